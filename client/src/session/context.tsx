// The session store for components: `useSession()` gives its current state and the store.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { SessionState, SessionStore } from './store';

export const SessionContext = createContext<SessionStore | null>(null);

export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSession() outside <SessionContext.Provider>');
  return store;
}

export function useSession(): { readonly state: SessionState; readonly store: SessionStore } {
  const store = useSessionStore();
  const [state, setState] = useState(store.state);
  useEffect(() => {
    setState(store.state);
    return store.subscribe(setState);
  }, [store]);
  return { state, store };
}
