import { defineConfig } from 'vite';

// The console builds to web/dist, which the gateway serves at `/` (src/console.ts). Everything is
// bundled: no CDN, no external font, no inline script (the page's CSP forbids them).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Inlined assets would become data: URLs in scripts and styles; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Flow marks itself "use client" for server-component bundlers; meaningless here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite web` during development: the APIs come from a gateway on the default port.
    proxy: {
      '/graphql': 'http://127.0.0.1:4000',
      '/discovery': 'http://127.0.0.1:4000',
    },
  },
});
