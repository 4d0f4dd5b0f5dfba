import ArgumentParser

@main
struct BookingMonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking-monitor",
        abstract: "Books products for the customers the Orchestrator queues, the moment they are available.",
        discussion: """
            Run it in a terminal for the operator console, or with --headless. It serves the \
            Orchestrator's /administration endpoints and sends each booking to \
            {--orchestrator}/orchestrator/order-event. State lives in SQLite (--db).
            """,
        version: BuildInfo.description,
        subcommands: [RunCommand.self, DemoCommand.self, OrchestratorCommand.self, ConfigCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
