import { ApolloProvider } from "@apollo/client/react";
import { Center, Loader, MantineProvider } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import { SignInPage } from "../pages/SignInPage";
import { createApolloClient, fetchPrincipal } from "./apollo";
import { Layout } from "./Layout";
import { LiveProvider, createLiveConnection } from "./live";
import { Routes } from "./Routes";
import { SessionProvider, rememberedCredential, useSession } from "./session";
import { theme } from "./theme";

function SignedIn({ credential }: { credential: string }) {
  // Signing out unmounts this: the client and its cache go with it, and the live socket closes.
  const live = useMemo(() => createLiveConnection(credential), [credential]);
  const client = useMemo(() => createApolloClient(credential, live), [credential, live]);
  useEffect(() => () => live.dispose(), [live]);
  return (
    <ApolloProvider client={client}>
      <LiveProvider value={live}>
        <Layout>
          <Routes />
        </Layout>
      </LiveProvider>
    </ApolloProvider>
  );
}

/** Resumes a session remembered in this tab (only when the person asked for it at sign-in). */
function useResume(): boolean {
  const { signIn, signOut } = useSession();
  const [resuming, setResuming] = useState(() => rememberedCredential() !== null);
  useEffect(() => {
    const credential = rememberedCredential();
    if (!credential) return;
    fetchPrincipal(credential).then(
      (principal) => signIn({ credential, principal }, true),
      () => signOut(),
    ).finally(() => setResuming(false));
  }, [signIn, signOut]);
  return resuming;
}

function Shell() {
  const { session } = useSession();
  const resuming = useResume();
  if (resuming) {
    return (
      <Center h="100vh">
        <Loader aria-label="Signing in" />
      </Center>
    );
  }
  return session ? <SignedIn credential={session.credential} /> : <SignInPage />;
}

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </MantineProvider>
  );
}
