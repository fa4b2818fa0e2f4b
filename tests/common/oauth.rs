//! A mock OAuth2 authorization server on loopback (plain HTTP, a port the system picks),
//! for the OAuth2 sign-in (issue 18): discovery, an authorization endpoint that approves
//! (or denies) at once, a token endpoint with PKCE (S256) and refresh tokens, and the
//! introspection endpoint that Dovecot's oauth2 passdb asks whether a token is live. Each
//! request has a thread and `Connection: close`; odd or hostile input gets a 4xx, never a
//! panic. The handle records what was asked and every token issued (so that a test can
//! look for them in a data folder); dropping it stops the server.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// A form's or a query's parameters.
pub type Params = HashMap<String, String>;

/// How long an access token lives unless a test says otherwise.
pub const DEFAULT_ACCESS_LIFETIME: u64 = 3600;
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// One request to the introspection endpoint (what Dovecot sends), and the answer.
#[derive(Debug, Clone)]
pub struct Introspection {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The `token` of the form body.
    pub token: Option<String>,
    pub active: bool,
}

/// What an access or a refresh token stands for.
struct Grant {
    client_id: String,
    scope: String,
    /// For access tokens; refresh tokens (and a lifetime past `Instant`'s range) do not.
    expires: Option<Instant>,
    /// Expired by the test, or revoked.
    dead: bool,
}

#[derive(Default)]
struct State {
    user: String,
    lifetime: u64,
    deny: bool,
    rotate: bool,
    counter: u64,
    /// Each authorization code's request (its client, redirect, challenge and scope).
    codes: HashMap<String, Params>,
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
    /// Access and refresh tokens, in the order issued.
    issued: Vec<String>,
    authorize: Vec<Params>,
    token_requests: HashMap<String, usize>,
    introspections: Vec<Introspection>,
}

impl State {
    /// A fresh token: `kind`, a serial number and 128 random bits in hex (40+ characters,
    /// nothing a message or a settings file would contain by chance).
    fn token(&mut self, kind: &str) -> String {
        self.counter += 1;
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).expect("system random generator");
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        format!("mock{kind}{}x{hex}", self.counter)
    }

    /// A new refresh token, or access token, for `client_id`.
    fn issue(&mut self, refresh: bool, client_id: &str, scope: &str) -> String {
        let token = self.token(if refresh { "rt" } else { "at" });
        let lifetime = Duration::from_secs(self.lifetime);
        let expires = if refresh {
            None
        } else {
            Instant::now().checked_add(lifetime)
        };
        let (client_id, scope) = (client_id.into(), scope.into());
        let grant = Grant {
            client_id,
            scope,
            expires,
            dead: false,
        };
        let map = if refresh {
            &mut self.refresh
        } else {
            &mut self.access
        };
        map.insert(token.clone(), grant);
        self.issued.push(token.clone());
        token
    }

    fn live(&self, token: &str) -> Option<&Grant> {
        let now = Instant::now();
        let live = |a: &&Grant| !a.dead && a.expires.is_none_or(|e| now < e);
        self.access.get(token).filter(live)
    }
}

/// The running mock; see the module's documentation.
pub struct MockIssuer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl MockIssuer {
    /// A running issuer whose tokens belong to the test Dovecot's user.
    pub fn start() -> MockIssuer {
        MockIssuer::for_user(super::dovecot::USER)
    }

    /// A running issuer whose tokens belong to `user` (what introspection answers).
    pub fn for_user(user: &str) -> MockIssuer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            user: user.into(),
            lifetime: DEFAULT_ACCESS_LIFETIME,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || serve(&listener, &state, &stop, addr))
        };
        MockIssuer {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// The issuer's base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn authorization_endpoint(&self) -> String {
        format!("{}/authorize", self.url())
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.url())
    }

    pub fn introspection_url(&self) -> String {
        format!("{}/introspect", self.url())
    }

    /// The `expires_in` of access tokens issued from now on, and how long they stay live
    /// (0: dead as soon as issued).
    pub fn set_access_lifetime(&self, secs: u64) {
        lock(&self.state).lifetime = secs;
    }

    /// Whether the authorization endpoint refuses (`error=access_denied`) instead of
    /// approving.
    pub fn set_deny(&self, deny: bool) {
        lock(&self.state).deny = deny;
    }

    /// Whether a refresh answers with a new refresh token (the old one then stops
    /// working), as some providers do.
    pub fn set_rotate_refresh_tokens(&self, rotate: bool) {
        lock(&self.state).rotate = rotate;
    }

    /// Every access token issued so far is dead from now on (introspection says inactive).
    pub fn expire_access_tokens(&self) {
        for access in lock(&self.state).access.values_mut() {
            access.dead = true;
        }
    }

    /// Every refresh token issued so far is revoked: refreshing with it is `invalid_grant`.
    pub fn revoke_refresh_tokens(&self) {
        for refresh in lock(&self.state).refresh.values_mut() {
            refresh.dead = true;
        }
    }

    /// An access and a refresh token for `client_id`, issued without the code flow (not
    /// counted as token requests).
    pub fn mint_tokens(&self, client_id: &str) -> (String, String) {
        let mut state = lock(&self.state);
        let access = state.issue(false, client_id, "mock-scope");
        let refresh = state.issue(true, client_id, "mock-scope");
        (access, refresh)
    }

    /// How many requests the token endpoint had with this `grant_type` (also unknown ones).
    pub fn token_requests(&self, grant_type: &str) -> usize {
        let state = lock(&self.state);
        state.token_requests.get(grant_type).copied().unwrap_or(0)
    }

    /// The parameters of each request to the authorization endpoint, as the client sent
    /// them (`client_id`, `redirect_uri`, `scope`, `login_hint`, ...).
    pub fn authorize_requests(&self) -> Vec<Params> {
        lock(&self.state).authorize.clone()
    }

    pub fn introspections(&self) -> Vec<Introspection> {
        lock(&self.state).introspections.clone()
    }

    /// Every access and refresh token issued so far, in order.
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.state).issued.clone()
    }

    pub fn issued_access_tokens(&self) -> Vec<String> {
        self.issued_of("mockat")
    }

    pub fn issued_refresh_tokens(&self) -> Vec<String> {
        self.issued_of("mockrt")
    }

    fn issued_of(&self, prefix: &str) -> Vec<String> {
        let mut all = self.issued_tokens();
        all.retain(|t| t.starts_with(prefix));
        all
    }

    /// Whether introspection would now call `token` live.
    pub fn is_live(&self, token: &str) -> bool {
        lock(&self.state).live(token).is_some()
    }
}

impl Drop for MockIssuer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, state: &Arc<Mutex<State>>, stop: &AtomicBool, addr: SocketAddr) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let state = state.clone();
        std::thread::spawn(move || connection(stream, &state, addr));
    }
}

/// A parsed HTTP request.
struct Request {
    method: String,
    /// Path and query.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        let found = self.headers.iter().find(|(n, _)| n == name);
        found.map(|(_, v)| v.as_str())
    }
}

/// What to answer: status, `Location`, JSON body.
type Response = (u16, Option<String>, String);

fn json(status: u16, value: &serde_json::Value) -> Response {
    (status, None, value.to_string())
}

fn error(status: u16, error: &str) -> Response {
    json(status, &serde_json::json!({ "error": error }))
}

fn connection(mut stream: TcpStream, state: &Mutex<State>, addr: SocketAddr) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let (status, location, body) = match read_request(&stream) {
        Ok(request) => route(&request, state, addr),
        Err(status) => error(status, "invalid_request"),
    };
    // Clients go by the number; the phrase is for people reading a log.
    let reason = match status {
        200 => "OK",
        302 => "Found",
        _ => "Error",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    if let Some(location) = location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // Reads what the client still sends (a refused request's rest), up to a limit, so
    // that closing with unread input does not reset the connection under the answer.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut rest = (&stream).take(8 * MAX_BODY as u64);
    let _ = std::io::copy(&mut rest, &mut std::io::sink());
}

/// Reads one request: its head (at most 64 KiB, lines ending in CRLF) and a body of
/// `Content-Length` bytes (at most 1 MiB). Anything else is the status to refuse it with.
fn read_request(stream: &TcpStream) -> Result<Request, u16> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD as u64));
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        // Not UTF-8, the end of input or of the time allowed: an error.
        match reader.read_line(&mut line) {
            Ok(_) if line == "\r\n" => break,
            Ok(_) if line.ends_with("\r\n") => lines.push(line.trim_end().to_string()),
            _ if reader.get_ref().limit() == 0 => return Err(413),
            _ => return Err(400),
        }
    }
    let parts: Vec<&str> = lines.first().ok_or(400u16)?.split(' ').collect();
    let [method, target, "HTTP/1.0" | "HTTP/1.1"] = parts[..] else {
        return Err(400);
    };
    let mut headers = Vec::new();
    for line in &lines[1..] {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.into(),
        target: target.into(),
        headers,
        body: Vec::new(),
    };
    let length: usize = match request.header("content-length") {
        None => 0,
        Some(n) => n.parse().map_err(|_| 400u16)?,
    };
    if request.header("transfer-encoding").is_some() || length > MAX_BODY {
        return Err(if length > MAX_BODY { 413 } else { 400 });
    }
    // What the reader holds already, then the rest from the stream.
    let rest = length.saturating_sub(reader.buffer().len());
    reader.get_mut().set_limit(rest as u64);
    reader.read_to_end(&mut request.body).map_err(|_| 400u16)?;
    if request.body.len() < length {
        return Err(400);
    }
    request.body.truncate(length);
    Ok(request)
}

fn route(request: &Request, state: &Mutex<State>, addr: SocketAddr) -> Response {
    let base = format!("http://{addr}");
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    match (request.method.as_str(), path) {
        ("GET", "/.well-known/openid-configuration") => json(
            200,
            &serde_json::json!({
                "issuer": base,
                "authorization_endpoint": format!("{base}/authorize"),
                "token_endpoint": format!("{base}/token"),
                "introspection_endpoint": format!("{base}/introspect"),
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported":
                    ["none", "client_secret_post", "client_secret_basic"],
            }),
        ),
        ("GET", "/authorize") => match parse_form(query.as_bytes()) {
            Some(params) => authorize(&params, &mut lock(state)),
            None => error(400, "invalid_request"),
        },
        ("POST", "/token") => match parse_form(&request.body) {
            Some(params) => token(request, &params, &mut lock(state)),
            None => error(400, "invalid_request"),
        },
        ("POST", "/introspect") => introspect(request, &mut lock(state)),
        (_, "/.well-known/openid-configuration" | "/authorize" | "/token" | "/introspect") => {
            error(405, "invalid_request")
        }
        _ => error(404, "not_found"),
    }
}

fn authorize(params: &Params, state: &mut State) -> Response {
    state.authorize.push(params.clone());
    let get = |name: &str| params.get(name).map_or("", String::as_str);
    let redirect = get("redirect_uri");
    // Without a usable redirect URI there is nowhere to send an error: a page says so.
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"];
    if !loopback.iter().any(|l| redirect.starts_with(l))
        || redirect.contains('#')
        || get("client_id").is_empty()
    {
        return error(400, "invalid_request");
    }
    let separator = if redirect.contains('?') { '&' } else { '?' };
    let state_param = params.get("state").map(|s| format!("&state={}", encode(s)));
    let state_param = state_param.unwrap_or_default();
    let back = |query: String| {
        let location = format!("{redirect}{separator}{query}{state_param}");
        (302, Some(location), String::new())
    };
    let challenge = get("code_challenge");
    let refusal = if get("response_type") != "code"
        || get("code_challenge_method") != "S256"
        || challenge.len() != 43
    {
        Some(("invalid_request", "code flow with an S256 challenge only"))
    } else if state.deny {
        Some(("access_denied", "The user denied the request"))
    } else {
        None
    };
    if let Some((code, description)) = refusal {
        let description = encode(description);
        return back(format!("error={code}&error_description={description}"));
    }
    let code = state.token("ac");
    state.codes.insert(code.clone(), params.clone());
    back(format!("code={}", encode(&code)))
}

/// The client's id: from the form, or from HTTP Basic client authentication.
fn client_id(request: &Request, params: &Params) -> Option<String> {
    let basic = || {
        let encoded = request.header("authorization")?.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        Some(decoded.split_once(':')?.0.to_string())
    };
    params.get("client_id").cloned().or_else(basic)
}

/// PKCE (RFC 7636): a well-formed verifier whose SHA-256 is the S256 challenge.
fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

fn token(request: &Request, params: &Params, state: &mut State) -> Response {
    let grant = params.get("grant_type").cloned().unwrap_or_default();
    *state.token_requests.entry(grant.clone()).or_insert(0) += 1;
    let Some(client) = client_id(request, params) else {
        return error(400, "invalid_request");
    };
    let get = |name: &str| params.get(name).map_or("", String::as_str);
    let (scope, refresh) = match grant.as_str() {
        "authorization_code" => {
            // A code is good once, whatever happens.
            let Some(asked) = state.codes.remove(get("code")) else {
                return error(400, "invalid_grant");
            };
            let asked = |name: &str| asked.get(name).cloned().unwrap_or_default();
            if asked("client_id") != client
                || asked("redirect_uri") != get("redirect_uri")
                || !verifier_matches(get("code_verifier"), &asked("code_challenge"))
            {
                return error(400, "invalid_grant");
            }
            let refresh = state.issue(true, &client, &asked("scope"));
            (asked("scope"), Some(refresh))
        }
        "refresh_token" => {
            let old = get("refresh_token").to_string();
            let scope = match state.refresh.get(&old) {
                Some(r) if !r.dead && r.client_id == client => r.scope.clone(),
                _ => return error(400, "invalid_grant"),
            };
            let rotated = state.rotate.then(|| {
                state.refresh.entry(old).and_modify(|r| r.dead = true);
                state.issue(true, &client, &scope)
            });
            (scope, rotated)
        }
        _ => return error(400, "unsupported_grant_type"),
    };
    let access = state.issue(false, &client, &scope);
    let mut body = serde_json::json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": state.lifetime,
        "scope": scope,
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = serde_json::Value::String(refresh);
    }
    json(200, &body)
}

/// RFC 7662 introspection, the token in a form body (Dovecot's `introspection_mode = post`).
fn introspect(request: &Request, state: &mut State) -> Response {
    let token = parse_form(&request.body).and_then(|p| p.get("token").cloned());
    let live = token.as_deref().and_then(|t| state.live(t));
    let body = match live {
        Some(grant) => serde_json::json!({
            "active": true,
            "username": state.user,
            "client_id": grant.client_id,
            "scope": grant.scope,
        }),
        None => serde_json::json!({ "active": false }),
    };
    state.introspections.push(Introspection {
        method: request.method.clone(),
        target: request.target.clone(),
        headers: request.headers.clone(),
        body: String::from_utf8_lossy(&request.body).into_owned(),
        token,
        active: live.is_some(),
    });
    json(200, &body)
}

/// `application/x-www-form-urlencoded` (or a query string): `None` when malformed, not
/// UTF-8, or a name given twice (RFC 6749 forbids it).
pub fn parse_form(bytes: &[u8]) -> Option<Params> {
    let mut params = HashMap::new();
    for pair in std::str::from_utf8(bytes).ok()?.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !pair.is_empty() && params.insert(decode(name)?, decode(value)?).is_some() {
            return None;
        }
    }
    Some(params)
}

/// Percent-decodes (and `+` as a space) to UTF-8 text.
pub fn decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    let digit = |c: Option<u8>| char::from(c?).to_digit(16);
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'+' => b' ',
            b'%' => u8::try_from(digit(bytes.next())? * 16 + digit(bytes.next())?).ok()?,
            b => b,
        });
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub fn encode(text: &str) -> String {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    let each = |b: u8| {
        if keep(b) {
            char::from(b).to_string()
        } else {
            format!("%{b:02X}")
        }
    };
    text.bytes().map(each).collect()
}
