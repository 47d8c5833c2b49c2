import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No data: URIs: the Content-Security-Policy allows the server's own origin only.
    assetsInlineLimit: 0,
    // GraphiQL's editor (Monaco) is large; it is loaded only when the API explorer opens.
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      onwarn(warning, warn) {
        // GraphiQL ships React-compiler directives ("use no memo") that bundling drops harmlessly.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  // ws: the live key events share the /graphql path.
  server: { proxy: { "/graphql": { target: "http://127.0.0.1:4000", ws: true } } },
});
