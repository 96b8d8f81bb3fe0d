//! The `stillpoint` program: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    stillpoint::cli::run(stillpoint::cli::Cli::parse())
}
