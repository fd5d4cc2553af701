// Entry of dist/html-to-text.js: html-to-text on its own, for the extension host to require on first use.
export * from 'html-to-text';
