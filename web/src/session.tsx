import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { type Access, accessFrom } from './access.js';
import { ConsoleViewerDocument, type ConsoleViewerQuery } from './api/admin/graphql.js';
import { ApiError, type Client, createClient } from './api/client.js';

/**
 * The signed-in token lives in sessionStorage only: it survives a reload of this tab, is gone
 * when the tab closes, and is never written to localStorage, a cookie or a URL.
 */
const storageKey = 'tollgate.console.token';

export type Viewer = ConsoleViewerQuery['viewer'];

export interface Session {
  readonly token: string;
  readonly client: Client;
  readonly viewer: Viewer;
  readonly access: Access;
  signOut(): void;
  /** Reads the viewer again (after the token's own grants changed). */
  refresh(): Promise<void>;
}

interface SessionState {
  readonly session: Session | undefined;
  /** True while a stored token is being checked on load. */
  readonly restoring: boolean;
  signIn(token: string): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | undefined>(
    () => sessionStorage.getItem(storageKey) ?? undefined,
  );
  const [viewer, setViewer] = useState<Viewer | undefined>();
  const [restoring, setRestoring] = useState(token !== undefined);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setToken(undefined);
    setViewer(undefined);
  }, []);

  const load = useCallback(async (candidate: string) => {
    const data = await createClient({ token: candidate }).request('admin', ConsoleViewerDocument);
    sessionStorage.setItem(storageKey, candidate);
    setToken(candidate);
    setViewer(data.viewer);
  }, []);

  useEffect(() => {
    if (!token || viewer) return;
    // A stored token that no longer works (revoked, expired) signs the tab out.
    load(token)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status !== 0) signOut();
      })
      .finally(() => setRestoring(false));
  }, [token, viewer, load, signOut]);

  const session = useMemo<Session | undefined>(() => {
    if (!token || !viewer) return undefined;
    const client = createClient({ token });
    return {
      token,
      client,
      viewer,
      access: accessFrom(viewer.effectivePermissions),
      signOut,
      refresh: () => load(token),
    };
  }, [token, viewer, signOut, load]);

  const state = useMemo<SessionState>(
    () => ({ session, restoring, signIn: load }),
    [session, restoring, load],
  );
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The session of a signed-in screen (the shell renders screens only when there is one). */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a signed-in token');
  return session;
}
