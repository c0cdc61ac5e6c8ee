// The crypto engine for components: `useEngine()`.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CryptoEngine } from './engine';

export const EngineContext = createContext<CryptoEngine | null>(null);

export function useEngine(): CryptoEngine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useEngine() outside <EngineContext.Provider>');
  return engine;
}
