//! The scenarios the test runs in order against one [`Cluster`].

use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use owp_ollama_client::fake::reply_text;
use owp_testkit::USER_PASSWORD;
use reqwest::Method;
use serde_json::json;

use super::cluster::Cluster;
use super::{PATIENCE, RATE_LIMIT, events, json_of, next_chunk, turn, upstream_of, wait_until};

/// 1 and 2: a token from A works on B; signing out, revoking a key and disabling the user on A
/// are refused by B on its very next request.
pub(super) async fn sessions_and_revocations_reach_the_other_replica(cluster: &Cluster) {
    let [a, b] = &cluster.doors;
    let (alice, token) = cluster.user_with_id("alice@example.org").await;
    let me = b.get(&token, "/api/v1/auth/me").await;
    assert_eq!(me.status(), 200, "a token made by A works on B");
    assert_eq!(json_of(me).await["user"]["email"], "alice@example.org");
    assert_eq!(
        cluster.front.get(&token, "/api/v1/auth/me").await.status(),
        200
    );
    let out = a
        .send(&token, Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(out.status(), 204);
    assert_eq!(
        b.get(&token, "/api/v1/auth/me").await.status(),
        401,
        "signed out on A → refused on B at once"
    );

    let token = a.login("alice@example.org", USER_PASSWORD).await;
    let issued = a
        .send(
            &token,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "two replicas"})),
        )
        .await;
    assert_eq!(issued.status(), 201);
    let issued = json_of(issued).await;
    let secret = issued["secret"].as_str().expect("secret");
    let key_id = issued["key"]["id"].as_str().expect("key id");
    assert_eq!(b.get(secret, "/api/v1/auth/me").await.status(), 200);
    let revoked = a
        .send(
            &token,
            Method::DELETE,
            &format!("/api/v1/me/api-keys/{key_id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        b.get(secret, "/api/v1/auth/me").await.status(),
        401,
        "a key revoked on A → refused on B at once, though B had verified it before"
    );

    assert_eq!(b.get(&token, "/api/v1/auth/me").await.status(), 200);
    let disabled = a
        .send(
            &cluster.admin_key,
            Method::DELETE,
            &format!("/api/v1/users/{alice}"),
            None,
        )
        .await;
    assert_eq!(disabled.status(), 200);
    assert_eq!(
        b.get(&token, "/api/v1/auth/me").await.status(),
        401,
        "a user disabled on A → refused on B at once"
    );
}

/// 3: a streamed chat through nginx arrives piece by piece, as the model writes it. Returns
/// the conversation's id.
pub(super) async fn a_stream_through_nginx_arrives_token_by_token(
    cluster: &Cluster,
    token: &str,
) -> String {
    const TOKENS: u32 = 12;
    const DELAY: Duration = Duration::from_millis(100);
    cluster.ollama.set_tokens_per_reply(TOKENS as usize);
    cluster.ollama.set_token_delay(DELAY);
    let prompt = "why is the sky blue";
    let mut res = cluster
        .front
        .send(
            token,
            Method::POST,
            "/api/v1/chat",
            Some(turn(prompt, None)),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut body = String::new();
    let mut delta_arrivals = Vec::new();
    while let Some(chunk) = next_chunk(&mut res).await.expect("the stream completes") {
        if chunk.contains("event: delta") {
            delta_arrivals.push(Instant::now());
        }
        body.push_str(&chunk);
    }
    let ended = Instant::now();
    let events = events(&body);
    assert_eq!(events.last().expect("events").0, "done", "{body}");
    let text: String = events
        .iter()
        .filter(|(name, _)| name == "delta")
        .map(|(_, data)| data["content"].as_str().expect("content"))
        .collect();
    assert_eq!(text, reply_text(prompt, TOKENS as usize));

    let (first, last) = (delta_arrivals[0], delta_arrivals[delta_arrivals.len() - 1]);
    assert!(
        delta_arrivals.len() >= TOKENS as usize / 3,
        "the deltas came in {} reads: nginx held them back",
        delta_arrivals.len()
    );
    let spread = last - first;
    assert!(
        spread >= DELAY * (TOKENS - 1) / 2,
        "the deltas arrived within {spread:?} of each other: buffered"
    );
    assert!(
        ended - first >= DELAY * (TOKENS - 1) / 2,
        "the first delta arrived only {:?} before the end",
        ended - first
    );
    events[0].1["conversation_id"]
        .as_str()
        .expect("conversation id")
        .to_owned()
}

/// 5: with `RATE_LIMIT` requests a minute, one key's requests spread over A, B and nginx are
/// counted together (in Redis): the allowance is used up by the total, then every way in says
/// 429.
pub(super) async fn the_rate_limit_is_one_allowance_for_both_replicas(
    cluster: &Cluster,
    token: &str,
) {
    let [a, b] = &cluster.doors;
    let issued = a
        .send(
            token,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "limits"})),
        )
        .await;
    assert_eq!(issued.status(), 201);
    let key = json_of(issued).await["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let doors = [a, b, &cluster.front];
    for n in 0..RATE_LIMIT {
        let door = doors[n % doors.len()];
        assert_eq!(
            door.get(&key, "/api/v1/auth/me").await.status(),
            200,
            "request {} of {RATE_LIMIT}, through {}",
            n + 1,
            door.name
        );
    }
    for door in doors {
        let res = door.get(&key, "/api/v1/auth/me").await;
        assert_eq!(
            res.status(),
            429,
            "{} still allows requests after {RATE_LIMIT} in all",
            door.name
        );
        assert!(res.headers().contains_key("retry-after"));
    }
}

/// 4: SIGKILL to the replica serving a stream: the client's stream ends at once (an error or
/// an end without `done`), the upstream model call is dropped, the other replica answers
/// everything through nginx, and the interrupted turn is stored exactly once.
pub(super) async fn killing_the_streaming_replica_ends_the_stream_and_the_other_serves_on(
    cluster: &mut Cluster,
    token: &str,
    earlier: &str,
) {
    cluster.ollama.set_tokens_per_reply(400);
    cluster.ollama.set_token_delay(Duration::from_millis(50));
    let prompt = "count to four hundred";
    let mut res = cluster
        .front
        .send(
            token,
            Method::POST,
            "/api/v1/chat",
            Some(turn(prompt, None)),
        )
        .await;
    assert_eq!(res.status(), 200);
    let upstream = upstream_of(&res);
    let serving = cluster
        .doors
        .iter()
        .position(|door| upstream == door.host_port())
        .unwrap_or_else(|| panic!("nginx used {upstream}, which is neither replica"));
    let survivor = 1 - serving;
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        let chunk = next_chunk(&mut res).await.expect("the stream goes on");
        seen.push_str(&chunk.expect("the stream goes on"));
    }
    let conversation = events(&seen)[0].1["conversation_id"]
        .as_str()
        .expect("conversation id")
        .to_owned();

    let killed = &mut cluster.replicas[serving];
    killed.signal("KILL");
    let status = killed.wait(PATIENCE).await;
    assert_eq!(status.signal(), Some(9), "{status:?}");
    // nginx closes the connection without the chunked body's last chunk, so the client sees
    // an error, not an answer that merely looks short.
    let ended = loop {
        match next_chunk(&mut res).await {
            Ok(Some(chunk)) => seen.push_str(&chunk),
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    assert!(ended.is_err(), "the cut stream ended like a whole one");
    assert!(!seen.contains("event: done"), "{seen}");
    wait_until(
        "the killed replica's call to Ollama is dropped",
        async || cluster.ollama.abandoned_streams() == 1,
    )
    .await;

    cluster.ollama.set_tokens_per_reply(5);
    cluster.ollama.set_token_delay(Duration::ZERO);
    let survivor_at = cluster.doors[survivor].host_port();
    for path in ["/readyz", "/api/v1/conversations", "/api/v1/auth/me"] {
        let res = cluster.front.get(token, path).await;
        assert_eq!(
            res.status(),
            200,
            "{path} through nginx with one replica down"
        );
        assert!(
            upstream_of(&res).ends_with(&survivor_at),
            "{path} answered by {}",
            upstream_of(&res)
        );
    }
    let list = json_of(cluster.front.get(token, "/api/v1/conversations").await).await;
    assert_eq!(list["total"], 2, "{list}");

    let messages = cluster.messages(token, &conversation).await;
    assert_eq!(
        messages["total"], 2,
        "the interrupted turn is stored once: {messages}"
    );
    let (asked, reply) = (&messages["items"][0], &messages["items"][1]);
    assert_eq!(asked["role"], "user");
    assert_eq!(asked["content"], prompt);
    assert_eq!(reply["role"], "assistant");
    assert_eq!(reply["incomplete"], true, "{reply}");
    assert!(reply_text(prompt, 400).starts_with(reply["content"].as_str().expect("content")));
    let before = cluster.messages(token, earlier).await;
    assert_eq!(before["total"], 2, "{before}");
    assert_eq!(before["items"][1]["incomplete"], false);

    let res = cluster
        .front
        .send(
            token,
            Method::POST,
            "/api/v1/chat",
            Some(turn("go on", Some(&conversation))),
        )
        .await;
    assert_eq!(res.status(), 200);
    let events = events(&res.text().await.expect("body"));
    assert_eq!(events.last().expect("events").0, "done");
    let messages = cluster.messages(token, &conversation).await;
    assert_eq!(messages["total"], 4, "{messages}");
}
