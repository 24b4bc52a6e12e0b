//! Connections the sandbox can close without answering, for the `commit-drop` fault: the
//! listener wraps each TCP stream with a switch the request reaches through `ConnectInfo`;
//! once a handler's answer is marked [`DropAnswer`], the stream refuses every write, so
//! hyper closes the connection before a byte of the answer leaves.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections can be dropped unanswered.
pub struct DroppableListener(pub TcpListener);

/// One accepted connection and its switch.
pub struct DroppableStream {
    stream: TcpStream,
    dropped: Arc<AtomicBool>,
}

/// The switch of the connection a request came on (`ConnectInfo`).
#[derive(Clone)]
pub struct ConnectionSwitch(Arc<AtomicBool>);

/// A response extension: close the connection instead of sending this answer.
#[derive(Clone, Copy)]
pub struct DropAnswer;

impl Listener for DroppableListener {
    type Io = DroppableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, address) = Listener::accept(&mut self.0).await;
        let dropped = Arc::new(AtomicBool::new(false));
        (DroppableStream { stream, dropped }, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, DroppableListener>> for ConnectionSwitch {
    fn connect_info(stream: IncomingStream<'_, DroppableListener>) -> Self {
        Self(stream.io().dropped.clone())
    }
}

/// Middleware: an answer marked [`DropAnswer`] flips its connection's switch. Without a
/// switch (the router served some other way) the answer is sent as is.
pub async fn drop_marked_answers(request: Request, next: Next) -> Response {
    let switch = request
        .extensions()
        .get::<ConnectInfo<ConnectionSwitch>>()
        .map(|info| info.0.clone());
    let response = next.run(request).await;
    if let (Some(switch), Some(DropAnswer)) = (switch, response.extensions().get::<DropAnswer>()) {
        switch.0.store(true, Ordering::SeqCst);
    }
    response
}

impl DroppableStream {
    fn refuse_if_dropped(&self) -> Option<io::Error> {
        self.dropped.load(Ordering::SeqCst).then(|| {
            io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "answer dropped by the commit-drop fault",
            )
        })
    }
}

impl AsyncRead for DroppableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for DroppableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(refused) = self.refuse_if_dropped() {
            return Poll::Ready(Err(refused));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(refused) = self.refuse_if_dropped() {
            return Poll::Ready(Err(refused));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(refused) = self.refuse_if_dropped() {
            return Poll::Ready(Err(refused));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
