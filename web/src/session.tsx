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
import { ApiError, type Client, createClient, sessionCsrfHeader } from './api/client.js';

/**
 * Two ways in. A person signs in through the account's single sign-on: the gateway keeps the
 * session and the browser holds only its HttpOnly cookie, which this code never sees. Automation
 * and first set-up sign in with a service token, which lives in sessionStorage only: it survives
 * a reload of this tab, is gone when the tab closes, and is never written to localStorage, a
 * cookie or a URL.
 */
const storageKey = 'tollgate.console.token';

export type Viewer = ConsoleViewerQuery['viewer'];

/** Who is signed in, as every screen needs it: a name and the account. */
export interface Identity {
  readonly name: string;
  readonly account: Viewer['account'];
}

interface SessionBase {
  readonly client: Client;
  readonly viewer: Identity;
  readonly access: Access;
  signOut(): void;
  /** Reads the signed-in caller again (after its grants changed). */
  refresh(): Promise<void>;
}

export interface TokenSession extends SessionBase {
  readonly kind: 'token';
  readonly token: string;
  readonly viewer: Viewer;
}

/** A member signed in through single sign-on: their groups give what `access` allows. */
export interface MemberSession extends SessionBase {
  readonly kind: 'member';
  readonly member: Member;
}

export type Session = TokenSession | MemberSession;

/** What the gateway's `/session` says of a signed-in member. */
export interface Member {
  readonly name: string;
  readonly email: string;
  readonly licenseType: string | null;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
  readonly account: Viewer['account'];
  readonly effectivePermissions: Viewer['effectivePermissions'];
}

interface SessionState {
  readonly session: Session | undefined;
  /** True while a stored token or a session cookie is being checked on load. */
  readonly restoring: boolean;
  signIn(token: string): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** The member of the session cookie, or undefined when there is none (or it has ended). */
async function fetchMember(): Promise<Member | undefined> {
  const response = await fetch('/session', {
    headers: { [sessionCsrfHeader]: '1', accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (response.status === 401) return undefined;
  if (!response.ok) throw new ApiError(response.status, []);
  const body = (await response.json()) as {
    member: Omit<Member, 'groups' | 'account' | 'effectivePermissions'>;
    groups: Member['groups'];
    account: Member['account'];
    effectivePermissions: Member['effectivePermissions'];
  };
  return {
    ...body.member,
    groups: body.groups,
    account: body.account,
    effectivePermissions: body.effectivePermissions,
  };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | undefined>(
    () => sessionStorage.getItem(storageKey) ?? undefined,
  );
  const [viewer, setViewer] = useState<Viewer | undefined>();
  const [member, setMember] = useState<Member | undefined>();
  const [restoring, setRestoring] = useState(true);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setToken(undefined);
    setViewer(undefined);
  }, []);

  const signOutMember = useCallback(() => {
    void fetch('/session/sign-out', {
      method: 'POST',
      headers: { [sessionCsrfHeader]: '1' },
      credentials: 'same-origin',
    }).finally(() => setMember(undefined));
  }, []);

  const load = useCallback(async (candidate: string) => {
    const data = await createClient({ token: candidate }).request('admin', ConsoleViewerDocument);
    sessionStorage.setItem(storageKey, candidate);
    setToken(candidate);
    setViewer(data.viewer);
  }, []);

  const loadMember = useCallback(async () => {
    setMember(await fetchMember());
  }, []);

  useEffect(() => {
    if (viewer || member) return;
    if (token) {
      // A stored token that no longer works (revoked, expired) signs the tab out.
      load(token)
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status !== 0) signOut();
        })
        .finally(() => setRestoring(false));
      return;
    }
    loadMember()
      .catch(() => setMember(undefined))
      .finally(() => setRestoring(false));
  }, [token, viewer, member, load, loadMember, signOut]);

  const session = useMemo<Session | undefined>(() => {
    if (token && viewer)
      return {
        kind: 'token',
        token,
        client: createClient({ token }),
        viewer,
        access: accessFrom(viewer.effectivePermissions),
        signOut,
        refresh: () => load(token),
      };
    if (member)
      return {
        kind: 'member',
        member,
        client: createClient({}),
        viewer: { name: member.name, account: member.account },
        access: accessFrom(member.effectivePermissions),
        signOut: signOutMember,
        refresh: loadMember,
      };
    return undefined;
  }, [token, viewer, member, signOut, signOutMember, load, loadMember]);

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
  if (!session) throw new Error('useSession without a signed-in caller');
  return session;
}
