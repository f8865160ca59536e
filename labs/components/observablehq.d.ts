// Types for the part of Observable Framework's client library ("observablehq:stdlib", a module
// Framework serves to pages, not an npm package) that the components import. Framework 1.13's
// FileAttachment is in @observablehq/framework/dist/client/stdlib/fileAttachment.js; it ships
// no declarations.
declare module 'observablehq:stdlib' {
  /** A file the build copies next to the pages; its name is resolved against the importing module. */
  export interface FileAttachment {
    readonly name: string;
    readonly mimeType: string;
    readonly lastModified: number;
    readonly size: number;
    url(): Promise<string>;
    blob(): Promise<Blob>;
    arrayBuffer(): Promise<ArrayBuffer>;
    text(encoding?: string): Promise<string>;
    /** The parsed JSON: nothing checks its shape. */
    json(): Promise<unknown>;
    stream(): Promise<ReadableStream<Uint8Array>>;
  }

  /** Framework finds the files a module uses by reading these calls: the name must be a literal. */
  export function FileAttachment(name: string): FileAttachment;
}
