fn main() -> std::process::ExitCode {
    pullcheck::cli::main()
}
