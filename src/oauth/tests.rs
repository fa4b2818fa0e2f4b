use super::*;

#[test]
fn token_answers() {
    let t = read_tokens(
        200,
        br#"{"access_token":"A","refresh_token":"R","expires_in":3600,"token_type":"Bearer"}"#,
        1000,
        None,
    )
    .unwrap();
    assert_eq!(
        (t.access.as_str(), t.refresh.as_deref(), t.expires_at),
        ("A", Some("R"), 4600)
    );
    assert!(!t.needs_refresh(1000) && t.needs_refresh(4600 - REFRESH_EARLY_SECS));
    assert!(!t.needs_refresh(4600 - REFRESH_EARLY_SECS - 1));
    // A five-minute token is renewed halfway, not at once; a lifetime in a string counts.
    let t = read_tokens(200, br#"{"access_token":"A","expires_in":"300"}"#, 0, None).unwrap();
    assert_eq!((t.expires_at, t.refresh_at), (300, 150));
    assert!(!t.needs_refresh(0) && t.needs_refresh(150));
    let t = read_tokens(200, br#"{"access_token":"A","expires_in":-5}"#, 0, None).unwrap();
    assert!(
        t.needs_refresh(0),
        "a lifetime in the past is renewed at once"
    );
    // A refresh without a new refresh token keeps the old one.
    let t = read_tokens(200, br#"{"access_token":"B"}"#, 0, Some("R")).unwrap();
    assert_eq!((t.refresh.as_deref(), t.expires_at), (Some("R"), 3600));
    assert_eq!(
        read_tokens(400, br#"{"error":"invalid_grant"}"#, 0, Some("R")),
        Err(Error::SignInAgain)
    );
    assert_eq!(
        read_tokens(
            400,
            br#"{"error":"invalid_client","error_description":"no such app"}"#,
            0,
            None
        ),
        Err(Error::Denied("no such app".into()))
    );
    assert!(matches!(
        read_tokens(502, b"<html>", 0, None),
        Err(Error::Protocol(_))
    ));
    assert!(matches!(
        read_tokens(200, br#"{"access_token":""}"#, 0, None),
        Err(Error::Protocol(_))
    ));
    // A lifetime no issuer gives is held to a year, without overflow.
    let t = read_tokens(
        200,
        br#"{"access_token":"A","expires_in":9223372036854775807}"#,
        i64::MAX - 5,
        None,
    )
    .unwrap();
    assert_eq!(t.expires_at, i64::MAX);
}

#[test]
fn tokens_never_show_in_debug() {
    let t = Tokens {
        access: "secret-access".into(),
        refresh: Some("secret-refresh".into()),
        expires_at: 1,
        refresh_at: 0,
    };
    let shown = format!("{t:?}");
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn the_sign_in_address() {
    let client = Client {
        endpoints: Endpoints {
            authorization: "https://login.example.com/authorize".into(),
            token: "https://login.example.com/token".into(),
        },
        client_id: "app id".into(),
        client_secret: None,
        scopes: vec![
            "https://outlook.office.com/POP.AccessAsUser.All".into(),
            "offline_access".into(),
        ],
    };
    let url = authorization_url(
        &client,
        "http://127.0.0.1:5000/",
        "st&te",
        "ch",
        Some("me@example.com"),
    );
    assert_eq!(
        url,
        "https://login.example.com/authorize?response_type=code&client_id=app%20id\
&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2F\
&scope=https%3A%2F%2Foutlook.office.com%2FPOP.AccessAsUser.All%20offline_access\
&state=st%26te&code_challenge=ch&code_challenge_method=S256&login_hint=me%40example.com"
    );
}
