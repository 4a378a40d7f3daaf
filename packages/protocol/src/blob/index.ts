/** Attachment blobs: chunking, verification and transfer records (PROTOCOL.md §9). */
export {}
