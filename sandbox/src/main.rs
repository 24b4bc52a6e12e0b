//! `sandbox [--port N] [...]`: runs the provider sandbox on 127.0.0.1 and prints its URL.

use std::io::Write as _;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (port, config) = match linkedin_inbox_sandbox::config::from_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("sandbox: cannot listen on 127.0.0.1:{port}: {e} (is another sandbox running? pick --port)");
            std::process::exit(1);
        }
    };
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("sandbox listening on http://{address}");
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    };
    if let Err(e) = linkedin_inbox_sandbox::serve(listener, config, shutdown).await {
        eprintln!("sandbox: {e}");
        std::process::exit(1);
    }
}
