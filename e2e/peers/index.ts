// Real SIP peers for integration and end-to-end tests (vitest and Playwright alike).
export * from './ports';
export * from './process';
export * from './tmp';
export * from './sip-probe';
export * from './kamailio';
export * from './baresip';
export * from './sipp';
export * from './audio';
export * from './pcap';
export * from './shim';
export * from './tools';
