//! The one loop that runs an [`Exchange`] over a transport, runtime-free: each request the
//! exchange asks for is sent and its response handed back, until the exchange answers. The
//! npm client, the Worker and the doctor each bring their transport; a transport that meters
//! upstream pages (the Worker) may stop a filtered walk before a further page, and the walk
//! then answers with what it gathered and a cursor.

use std::future::Future;

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::inbox::backend::Page;
use crate::inbox::exchange::{Exchange, Step};

/// How a driven exchange reaches the provider (or the proxy).
pub trait Transport {
    /// Sends one request: its response, whatever its status, or why none came.
    fn send(&mut self, request: &HttpRequest) -> impl Future<Output = Result<HttpResponse>>;

    /// What the exchange made of the last request's response (or the transport's failure to
    /// get one), before the driver acts on it.
    fn received(&mut self, _step: &Result<Step>) {}

    /// Before a further upstream page of a walk: whether to read it (`Ok(false)`: the walk
    /// answers now with what it gathered), or the error that ends the walk.
    fn before_next_page(&mut self) -> impl Future<Output = Result<bool>> {
        async { Ok(true) }
    }
}

/// Runs `exchange`, whose first request is `request`, over `transport` until it answers. A
/// failure after a filtered walk gathered matches answers with them (see
/// [`Exchange::recover`]).
pub async fn drive<T: Transport>(
    mut exchange: Exchange,
    mut request: HttpRequest,
    transport: &mut T,
) -> Result<Page> {
    loop {
        let step = match transport.send(&request).await {
            Ok(response) => exchange.receive(&response),
            Err(error) => Err(error),
        };
        transport.received(&step);
        match step {
            Ok(Step::Done(page)) => return Ok(page),
            Ok(Step::Follow(next)) => request = next,
            Ok(Step::Send(next)) => {
                if !transport.before_next_page().await? {
                    return exchange.finish().ok_or_else(|| Error::Unavailable {
                        message: "the walk ended without a page".into(),
                    });
                }
                request = next;
            }
            Err(error) => return exchange.recover(error),
        }
    }
}
