/** juice's editor-free entry (no file or network inlining, so no web-resource-inliner in the bundle). */
declare module 'juice/client' {
  import juice = require('juice');
  export = juice;
}
