//! Pulling models, with and without progress.

use futures_util::StreamExt;

use crate::support::setup;

#[tokio::test]
async fn pull_stream_reports_progress_and_installs_the_model() {
    let (fake, client) = setup().await;
    let statuses: Vec<_> = client
        .pull_stream("qwen2.5:0.5b")
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(statuses.first().unwrap().message, "pulling manifest");
    assert_eq!(statuses.last().unwrap().message, "success");
    let downloads: Vec<_> = statuses.iter().filter(|s| s.digest.is_some()).collect();
    assert_eq!(downloads.len(), 6);
    assert!(
        downloads
            .iter()
            .all(|s| s.message.starts_with("downloading sha256:"))
    );
    assert!(downloads.iter().all(|s| s.total.is_some()));
    assert!(
        downloads
            .iter()
            .any(|s| s.completed.is_some() && s.completed == s.total)
    );
    assert!(
        downloads
            .iter()
            .any(|s| s.completed.is_some() && s.completed < s.total)
    );
    assert!(fake.model_names().contains(&"qwen2.5:0.5b".to_owned()));
    let listed = client.list_models().await.unwrap();
    assert!(listed.iter().any(|m| m.name == "qwen2.5:0.5b"));
}

#[tokio::test]
async fn pull_without_stream_answers_success_once() {
    let (fake, client) = setup().await;
    let status = client.pull("gemma3").await.unwrap();
    assert_eq!(status.message, "success");
    assert!(fake.model_names().contains(&"gemma3:latest".to_owned()));
    assert_eq!(fake.requests()[0].body["stream"], false);
}
