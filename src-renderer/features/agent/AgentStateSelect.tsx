import { useApp } from '../../store/context';
import { agentOptions, agentValue } from './agent-options';

export function AgentStateSelect() {
  const { agent, setAgentState } = useApp((s) => ({ agent: s.snapshot?.agent, setAgentState: s.setAgentState }));
  const options = agentOptions(agent);
  const value = agent ? agentValue(agent) : 'not-ready';
  return (
    <div className={`agent-state agent-${agent?.state ?? 'unknown'}`}>
      <label htmlFor="agent-state">Agent state</label>
      <select
        id="agent-state"
        value={value}
        disabled={!agent}
        onChange={(e) => {
          const chosen = options.find((o) => o.value === e.target.value);
          if (chosen) void setAgentState(chosen.state, chosen.reason);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
