//! The `till` binary: see `till --help`.

fn main() -> std::process::ExitCode {
    till::cli::main()
}
