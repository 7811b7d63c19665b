use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use switchyard::settings::{Cli, Command};
use switchyard::text::errors;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckConfig { path } => switchyard::check_config(&path),
        Command::Local(args) => {
            let here = std::env::current_dir().unwrap_or_else(|_| ".".into());
            switchyard::local::run(args, &here)
        }
        Command::Mcp(args) => {
            let here = std::env::current_dir().unwrap_or_else(|_| ".".into());
            switchyard::mcp::run(args, &here)
        }
        Command::Plan(args) => {
            let here = std::env::current_dir().unwrap_or_else(|_| ".".into());
            switchyard::plan_cli::run(args, &here)
        }
        Command::Serve(args) => {
            init_logging();
            let settings = match args.into_settings() {
                Ok(settings) => settings,
                Err(e) => {
                    eprintln!("switchyard: {e}");
                    return ExitCode::from(2);
                }
            };
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("switchyard: {}", errors::no_runtime(&e.to_string()));
                    return ExitCode::FAILURE;
                }
            };
            runtime.block_on(switchyard::serve(settings))
        }
    }
}

fn init_logging() {
    let filter: tracing_subscriber::filter::Targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO)
        });
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // Colour codes only where a person reads them, not in a log file or collector.
    let colour = std::io::stderr().is_terminal();
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_ansi(colour))
        .with(filter)
        .init();
}
