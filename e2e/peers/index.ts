// Real SIP peers for integration and end-to-end tests (vitest and Playwright alike).
export * from './ports';
export * from './process';
export * from './sip-probe';
export * from './kamailio';
export * from './tmp';
