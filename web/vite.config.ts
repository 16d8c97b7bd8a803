import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The gateway serves the built app; in development Vite proxies the API to a local `owp serve`.
const gateway = process.env.OWP_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": gateway,
      "/healthz": gateway,
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
