//! A fault-injecting HTTP proxy for the emulator tests: it sits between phiguard and moto,
//! names each request's AWS service from the SigV4 credential scope in its `Authorization`
//! header (`Credential=AKID/20261129/us-east-1/kms/aws4_request`), counts requests per
//! service, and for the services a [`Plan`] names answers with the error that service's
//! protocol would send (AccessDenied 403, throttling 400/503, 500) instead of forwarding:
//! always, or the first N times and then forwards.
//!
//! HTTP/1.1 only, as the SDK speaks it to an `http://` endpoint: requests are read whole
//! (`Content-Length` or chunked), injected answers keep the connection alive, forwarded
//! requests go to moto on a fresh connection with `Connection: close` and the answer is
//! relayed with `Connection: close`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to answer instead of forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 403 with the service's access-denied error.
    Denied,
    /// The service's throttling error (S3: 503 SlowDown; others: 400 ThrottlingException or
    /// Throttling).
    Throttle,
    /// 500 with the service's internal error.
    ServerError,
}

/// One rule: `fault` for requests to `service`, the first `times` of them (`None`: always).
#[derive(Debug, Clone)]
pub struct Rule {
    pub service: &'static str,
    pub fault: Fault,
    pub times: Option<usize>,
}

/// Requests seen and faults injected, per service.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub requests: BTreeMap<String, usize>,
    pub injected: BTreeMap<String, usize>,
    pub operations: BTreeMap<String, usize>,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<(Rule, usize)>,
    stats: Stats,
}

/// The proxy, running on its own runtime until dropped.
pub struct Proxy {
    pub url: String,
    state: Arc<Mutex<State>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (`127.0.0.1:PORT`) applying `rules`.
    pub fn start(upstream_port: u16, rules: Vec<Rule>) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            rules: rules.into_iter().map(|r| (r, 0)).collect(),
            stats: Stats::default(),
        }));
        let upstream: SocketAddr = ([127, 0, 0, 1], upstream_port).into();
        let shared = Arc::clone(&state);
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, upstream, Arc::clone(&shared)));
            }
        });
        Proxy {
            url: format!("http://127.0.0.1:{port}"),
            state,
            runtime: Some(runtime),
        }
    }

    /// What the proxy saw so far.
    pub fn stats(&self) -> Stats {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stats
            .clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// One request read off a connection.
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The service of the SigV4 credential scope (`kms`, `s3`, `monitoring`, ...).
    fn service(&self) -> String {
        self.header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split([',', ' ']).next())
            .and_then(|scope| scope.split('/').nth(3))
            .unwrap_or("unknown")
            .to_string()
    }

    /// The operation, where the request names it (JSON `X-Amz-Target`, query `Action=`).
    fn operation(&self) -> Option<String> {
        if let Some(t) = self.header("x-amz-target") {
            return t.rsplit('.').next().map(str::to_string);
        }
        let body = String::from_utf8_lossy(&self.body);
        let line = self.head.lines().next().unwrap_or_default();
        body.split('&')
            .chain(line.split(['?', '&', ' ']))
            .find_map(|kv| kv.strip_prefix("Action="))
            .map(str::to_string)
    }
}

async fn serve(mut client: TcpStream, upstream: SocketAddr, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    loop {
        let Some(request) = read_request(&mut client, &mut buf).await else {
            return;
        };
        let service = request.service();
        let fault = {
            let mut st = state.lock().unwrap_or_else(PoisonError::into_inner);
            *st.stats.requests.entry(service.clone()).or_default() += 1;
            let op = format!("{service}:{}", request.operation().unwrap_or_default());
            *st.stats.operations.entry(op).or_default() += 1;
            let fault = st.rules.iter_mut().find_map(|(rule, used)| {
                (rule.service == service && rule.times.is_none_or(|n| *used < n)).then(|| {
                    *used += 1;
                    rule.fault
                })
            });
            if fault.is_some() {
                *st.stats.injected.entry(service.clone()).or_default() += 1;
            }
            fault
        };
        if let Some(fault) = fault {
            if client
                .write_all(&error_response(&service, fault))
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        let answer = forward(&request, upstream).await;
        let _ = client.write_all(&answer).await;
        let _ = client.shutdown().await;
        return;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request (head and body); `None` at end of stream or on a malformed request.
async fn read_request(client: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut request = Request {
        head,
        body: Vec::new(),
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body_end = loop {
        let have = &buf[head_end..];
        if chunked {
            if let Some(i) = find(have, b"0\r\n\r\n") {
                break head_end + i + 5;
            }
        } else if have.len() >= length {
            break head_end + length;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    request.body = buf[head_end..body_end].to_vec();
    buf.drain(..body_end);
    Some(request)
}

/// Sends the request to moto on a fresh connection and returns its answer, rewritten to
/// close the connection after it.
async fn forward(request: &Request, upstream: SocketAddr) -> Vec<u8> {
    let Ok(mut up) = TcpStream::connect(upstream).await else {
        return plain(502, "text/plain", &[], "proxy: cannot reach the emulator");
    };
    let head = with_connection_close(&request.head);
    if up.write_all(head.as_bytes()).await.is_err() || up.write_all(&request.body).await.is_err() {
        return plain(
            502,
            "text/plain",
            &[],
            "proxy: cannot write to the emulator",
        );
    }
    let mut answer = Vec::new();
    if up.read_to_end(&mut answer).await.is_err() {
        return plain(502, "text/plain", &[], "proxy: cannot read the emulator");
    }
    let Some(end) = find(&answer, b"\r\n\r\n") else {
        return answer;
    };
    let head = with_connection_close(&String::from_utf8_lossy(&answer[..end + 4]));
    let mut out = head.into_bytes();
    out.extend_from_slice(&answer[end + 4..]);
    out
}

fn with_connection_close(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| {
            !l.split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"))
        })
        .collect();
    lines.push("Connection: close");
    format!("{}\r\n\r\n", lines.join("\r\n"))
}

fn plain(status: u16, content_type: &str, extra: &[(&str, &str)], body: &str) -> Vec<u8> {
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: phiguard-fault\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Services speaking the AWS query protocol (XML `ErrorResponse`).
const QUERY: &[&str] = &[
    "iam",
    "sts",
    "rds",
    "sns",
    "sqs",
    "elasticloadbalancing",
    "redshift",
    "cloudformation",
];

/// The error the service's protocol sends for `fault`.
pub fn error_response(service: &str, fault: Fault) -> Vec<u8> {
    let message = "injected by the phiguard test proxy";
    match service {
        "s3" => {
            let (status, code) = match fault {
                Fault::Denied => (403, "AccessDenied"),
                Fault::Throttle => (503, "SlowDown"),
                Fault::ServerError => (500, "InternalError"),
            };
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>phiguard-fault</RequestId></Error>"
            );
            plain(status, "application/xml", &[], &body)
        }
        "ec2" => {
            let (status, code) = match fault {
                Fault::Denied => (403, "UnauthorizedOperation"),
                Fault::Throttle => (503, "RequestLimitExceeded"),
                Fault::ServerError => (500, "InternalError"),
            };
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>phiguard-fault</RequestID></Response>"
            );
            plain(status, "text/xml", &[], &body)
        }
        s if QUERY.contains(&s) => {
            let (status, code, kind) = match fault {
                Fault::Denied => (403, "AccessDenied", "Sender"),
                Fault::Throttle => (400, "Throttling", "Sender"),
                Fault::ServerError => (500, "InternalFailure", "Receiver"),
            };
            let body = format!(
                "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>phiguard-fault</RequestId></ErrorResponse>"
            );
            plain(status, "text/xml", &[], &body)
        }
        // JSON protocols (awsJson 1.0/1.1 and restJson): the code in `__type` and in
        // `x-amzn-ErrorType`.
        _ => {
            let (status, code) = match fault {
                Fault::Denied => (403, "AccessDeniedException"),
                Fault::Throttle => (400, "ThrottlingException"),
                Fault::ServerError => (500, "InternalFailure"),
            };
            let body = format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}");
            plain(
                status,
                "application/x-amz-json-1.1",
                &[("x-amzn-ErrorType", code)],
                &body,
            )
        }
    }
}
