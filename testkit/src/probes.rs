//! Test-only routes the harness mounts beside the real ones, to drive app-wide behaviour (JSON
//! body handling, graceful shutdown) that no production route isolates.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use owp_gateway::startup::ExtraRoutes;
use tokio::sync::Notify;

/// `POST /__probe/echo` answers its JSON body; `GET /__probe/hold` tells the test it has started
/// and then waits until the test releases it.
#[derive(Clone, Default)]
pub struct Probes {
    entered: Arc<Notify>,
    release: Arc<Notify>,
}

impl Probes {
    /// The routes, for [`crate::TestAppBuilder::routes`].
    pub fn routes(&self) -> ExtraRoutes {
        let probes = self.clone();
        Arc::new(move |cfg: &mut web::ServiceConfig| {
            let hold = probes.clone();
            cfg.route("/__probe/echo", web::post().to(echo)).route(
                "/__probe/hold",
                web::get().to(move || {
                    let hold = hold.clone();
                    async move {
                        hold.entered.notify_one();
                        hold.release.notified().await;
                        HttpResponse::Ok().body("released")
                    }
                }),
            );
        })
    }

    /// Resolves once a `/__probe/hold` request is being handled.
    pub async fn held(&self) {
        self.entered.notified().await;
    }

    /// Lets the held request answer.
    pub fn release(&self) {
        self.release.notify_one();
    }
}

async fn echo(body: web::Json<serde_json::Value>) -> web::Json<serde_json::Value> {
    body
}
