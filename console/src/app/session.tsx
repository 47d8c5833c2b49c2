import { type ReactNode, createContext, useCallback, useContext, useMemo, useState } from "react";
import type { MeQuery } from "../graphql/generated";

export type Principal = MeQuery["me"];

const STORAGE_KEY = "keysmith.console.credential";

export interface Session {
  credential: string;
  principal: Principal;
}

interface SessionState {
  session: Session | null;
  signIn(session: Session, remember: boolean): void;
  signOut(): void;
  /** Root acts inside this tenant (undefined: the platform tenant); tenant principals always act in their own. */
  actingTenantId: string | undefined;
  setActingTenantId(tenantId: string | undefined): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** A credential remembered for this tab, only when the person ticked the box at sign-in. */
export function rememberedCredential(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function forget(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: nothing was stored
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [actingTenantId, setActingTenantId] = useState<string | undefined>(undefined);

  const signIn = useCallback((next: Session, remember: boolean) => {
    if (remember) window.sessionStorage.setItem(STORAGE_KEY, next.credential);
    else forget();
    setActingTenantId(undefined);
    setSession(next);
  }, []);

  const signOut = useCallback(() => {
    forget();
    setActingTenantId(undefined);
    setSession(null);
  }, []);

  const value = useMemo(
    () => ({ session, signIn, signOut, actingTenantId, setActingTenantId }),
    [session, signIn, signOut, actingTenantId],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside SessionProvider");
  return state;
}

/** The signed-in principal and the tenantId to pass to tenant-level operations. */
export function useScope(): { principal: Principal; isRoot: boolean; tenantId: string | undefined } {
  const { session, actingTenantId } = useSession();
  if (!session) throw new Error("useScope needs a session");
  const isRoot = session.principal.kind === "ROOT";
  return { principal: session.principal, isRoot, tenantId: isRoot ? actingTenantId : undefined };
}
