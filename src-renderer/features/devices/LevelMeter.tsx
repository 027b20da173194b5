// Microphone level from the media engine, polled while visible.
import { useEffect, useState } from 'react';
import { useApp } from '../../store/context';

export function LevelMeter() {
  const readInputLevel = useApp((s) => s.readInputLevel);
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setLevel(Math.round(readInputLevel() * 100)), 100);
    return () => clearInterval(t);
  }, [readInputLevel]);
  return (
    <div className="meter-row">
      <span id="mic-level-label">Microphone level</span>
      <div className="meter" role="meter" aria-labelledby="mic-level-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={level}>
        <div className="meter-fill" style={{ width: `${level}%` }} />
      </div>
    </div>
  );
}
