// esbuild bundles the stylesheet the webview imports into dist/webview.css.
declare module '*.css';
