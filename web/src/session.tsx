/** The signed-in user (from `/auth/me`) and the sign-in/sign-out actions, shared by every screen. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { api } from "./api/client";
import type { Me, TokenResponse } from "./api/types";

interface Session {
  me: Me | null;
  /** True until the first `/auth/me` answered (or there was no session to load). */
  loading: boolean;
  can(permission: string): boolean;
  signIn(email: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(api.signedIn);

  const reload = useCallback(async () => {
    if (!api.signedIn) {
      setMe(null);
      setLoading(false);
      return;
    }
    try {
      setMe(await api.get<Me>("/api/v1/auth/me"));
    } catch {
      // A stale or revoked session: start again from the sign-in page.
      api.setTokens(null);
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    return api.onSessionChange((signedIn) => {
      if (!signedIn) setMe(null);
    });
  }, [reload]);

  const signIn = useCallback(async (email: string, password: string) => {
    const answer = await api.request<TokenResponse>("POST", "/api/v1/auth/login", {
      body: { email, password },
      anonymous: true,
    });
    api.setTokens(answer);
    const who = await api.get<Me>("/api/v1/auth/me");
    setMe(who);
    return who;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post("/api/v1/auth/logout");
    } catch {
      // Signing out locally matters more than telling the server.
    }
    api.setTokens(null);
    setMe(null);
  }, []);

  const value = useMemo<Session>(
    () => ({
      me,
      loading,
      can: (permission) => me?.permissions.includes(permission) ?? false,
      signIn,
      signOut,
      reload,
    }),
    [me, loading, signIn, signOut, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
