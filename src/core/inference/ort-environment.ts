/**
 * onnxruntime's Linux build (1.30) ships a telemetry client that, when a
 * session is created, starts uploading usage events to Microsoft's
 * OneCollector endpoint (found by `strace` on `chitti demo`: DNS lookups of
 * mobile.events.data.microsoft.com). Chitti makes no outbound connection the
 * user did not enable, so the library's own switch, ORT_DISABLE_TELEMETRY,
 * is set in the process environment before any session exists. It must be
 * set on the main thread: a worker thread's `process.env` is a private copy
 * that the native library never sees, while the main thread's assignment
 * changes the real environment all threads share.
 */
export function disableOnnxRuntimeTelemetry(): void {
  process.env.ORT_DISABLE_TELEMETRY = '1';
}
