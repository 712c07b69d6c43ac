// Package corsadaptor provides the CORSAdaptor filter: it answers CORS
// preflight requests itself and checks the origin of cross-origin
// requests, adding the Access-Control-* headers to their replies.
//
//	{name: cors, kind: CORSAdaptor, allowedOrigins: ["https://*.shop.example"], allowCredentials: true, maxAge: 600}
//
// A request without an Origin header, or whose Origin has the request's
// own host, is not cross-origin: the filter returns "" and leaves it
// alone.
//
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
// answered without reaching the backend: 204 with
// Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers, -Max-Age
// (when maxAge > 0) and -Allow-Credentials (with allowCredentials) when
// the origin, the method and every requested header are allowed, and the
// result "preflighted"; otherwise an empty 403 and "rejected". Both
// results end the pipeline unless a jumpIf routes them.
//
// Any other cross-origin request from an allowed origin goes on; when the
// request ends, its reply (the DEFAULT namespace's response) gets
// Access-Control-Allow-Origin, -Allow-Credentials and -Expose-Headers,
// replacing what an upstream may have sent. A request from an origin that
// is not allowed gets an empty 403 and "rejected" without reaching the
// backend. Every reply the filter touches varies by Origin.
//
// allowedOrigins entries are origins ("https://a.example"), origins with
// one '*' ("https://*.a.example") or "*"; empty means every origin. With
// every origin allowed and no credentials the reply says "*"; otherwise it
// names the request's origin. allowedHeaders "*" allows any requested
// header. Origins, methods and headers compare without regard to case.
//
// The filter acts on the client's request and reply and belongs in the
// DEFAULT namespace. It allocates nothing per request.
package corsadaptor
