//! The `sealant` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match sealant::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match sealant::cmd::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            sealant::cmd::say(&format!("error: {}", sealant::cmd::error_line(&e)));
            ExitCode::from(sealant::exit::ExitStatus::Error.code())
        }
    }
}
