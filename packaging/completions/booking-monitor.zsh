#compdef booking-monitor

__booking-monitor_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__booking-monitor_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __booking-monitor_complete "${completions[@]:0:-1}"
    fi
}

__booking-monitor_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_booking-monitor() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'run:Run a monitor: the console (in a terminal) or headless, the booking checker and the HTTP endpoint.'
            'demo:Watch the whole loop: a monitor, an Orchestrator simulator, customers ordering and stock arriving.'
            'orchestrator:Run an Orchestrator simulator: the original'\''s API, queues pushed to every --monitor.'
            'config:Print the effective configuration as TOML (--print), or check a config file (--check).'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        run|demo|orchestrator|config|help)
            "_booking-monitor_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_booking-monitor_run() {
    local -i ret=1
    local -ar ___log_format=('text' 'json')
    local -ar arg_specs=(
        '--headless[Run without the console (for machines without a terminal).]'
        '--host[Address to listen on. (default\: 127.0.0.1)]:host:'
        '--port[Port to listen on (0 picks a free one). (default\: 5039)]:port:'
        '--orchestrator[The Orchestrator'\''s base URL; booking events go to {URL}/orchestrator/order-event. (default\: http\://localhost\:5012)]:orchestrator:'
        '--db[SQLite database file (WAL), or postgres\://user\:password@host\:port/database\: one store shared by several instances of a group. (default\: booking-monitor.sqlite)]:path-or-url:'
        '--name[This instance'\''s name among the instances sharing a PostgreSQL store. (default\: HOST\:PORT)]:name:'
        '--in-memory[Keep state in memory only\: a throwaway run.]'
        '--catalog[JSON file listing this instance'\''s products (get-products shape).]:catalog:'
        '--group[Name of this instance'\''s product group, shown in the console and sent with events. (default\: default)]:group:'
        '--sweep-interval[Seconds between safety sweeps (booking also happens at once on every change).]:sweep-interval:'
        '--history-days[Days the history of changes (GET /administration/history, the console'\''s detail views) is kept; pruned by the sweep.]:history-days:'
        '--history-rows[History entries kept at most; the oldest beyond are pruned by the sweep.]:history-rows:'
        '--max-body[Largest accepted request body in bytes; larger ones get 413 (a 1M-entry push is about 23 MB).]:max-body:'
        '--idle-timeout[Seconds a client connection may send nothing while no answer is owed\: between requests, or in the middle of one'\''s body (0\: no limit).]:idle-timeout:'
        '--header-timeout[Seconds a request'\''s headers may take to arrive, from its first byte (0\: no limit).]:header-timeout:'
        '--max-connections[Client connections open at once, at most; beyond it the longest-idle one is closed (lowered to fit the open-file limit).]:max-connections:'
        '--attempt-timeout[Per-attempt timeout for order-event, in seconds.]:attempt-timeout:'
        '--breaker-threshold[Consecutive failures that open the circuit breaker.]:breaker-threshold:'
        '--breaker-open[Seconds the breaker stays open before one trial request.]:breaker-open:'
        '--max-attempts[Attempts answered with 500 before an event is parked.]:max-attempts:'
        '--resync-every[Also ask the Orchestrator for the queues at this interval, e.g. 30s, 5m, 1h (default\: off; it is asked at start, after outages and refused pushes).]:duration:'
        '--probe-every[Seconds of silence after which a light probe (GET /) checks that the Orchestrator answers.]:probe-every:'
        '--db-lock-timeout[Shared store\: seconds a write waits for the group'\''s lock before it answers 503.]:db-lock-timeout:'
        '--db-timeout[Shared store\: seconds a statement may run, and a transaction may idle, before the server ends it (a frozen instance'\''s locks are freed then).]:db-timeout:'
        '--sender-lease[Shared store\: seconds the sender role outlives its last heartbeat; a frozen sender loses it then.]:sender-lease:'
        '--log-file[Log file while the console runs (default\: beside the database).]:log-file:'
        '--log-format[Log lines as text, or json\: one object a line with time, level, message and fields such as booking, product, customer.]:log-format:{__booking-monitor_complete "${___log_format[@]}"}'
        '--token[Require Authorization\: Bearer TOKEN on state-changing requests (or set BOOKING_MONITOR_TOKEN).]:TOKEN:'
        '--token-reads[With a token, require it for reads too.]'
        '--full-sync[fsync every commit (survives power loss, not just a crash of the process).]'
        '--ascii[Draw borders and marks in ASCII (on by itself when the locale is not UTF-8).]'
        '--no-color[Monochrome\: no colours, states shown by letters, bold and reverse (also NO_COLOR).]'
        '--readonly[Console keys that change state (availability, pause, resend) are turned off.]'
        '--mouse[Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default\: --mouse)]'
        '--no-mouse[Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default\: --mouse)]'
        '--theme[Console colours\: dark, light (for a white background) or colourblind (blue and orange, never red against green). (default\: dark, or theme in config.toml)]:theme:'
        '--config[The config file\: key bindings, theme, defaults for flags. (default\: $XDG_CONFIG_HOME/booking-monitor/config.toml, else ~/.config/booking-monitor/config.toml, if it exists)]:path:'
        '--once[Print the dashboard once as plain text and exit (no terminal needed; the HTTP server is not started).]'
        '--size[Size of the --once dashboard, WIDTHxHEIGHT (default\: the terminal'\''s, else 120x40).]:WxH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_booking-monitor_demo() {
    local -i ret=1
    local -ar ___log_format=('text' 'json')
    local -ar arg_specs=(
        '--headless[Run without the console (for machines without a terminal).]'
        '--host[Address to listen on. (default\: 127.0.0.1)]:host:'
        '--port[Port to listen on (0 picks a free one). (default\: 5039)]:port:'
        '--orchestrator[The Orchestrator'\''s base URL; booking events go to {URL}/orchestrator/order-event. (default\: http\://localhost\:5012)]:orchestrator:'
        '--db[SQLite database file (WAL), or postgres\://user\:password@host\:port/database\: one store shared by several instances of a group. (default\: booking-monitor.sqlite)]:path-or-url:'
        '--name[This instance'\''s name among the instances sharing a PostgreSQL store. (default\: HOST\:PORT)]:name:'
        '--in-memory[Keep state in memory only\: a throwaway run.]'
        '--catalog[JSON file listing this instance'\''s products (get-products shape).]:catalog:'
        '--group[Name of this instance'\''s product group, shown in the console and sent with events. (default\: default)]:group:'
        '--sweep-interval[Seconds between safety sweeps (booking also happens at once on every change).]:sweep-interval:'
        '--history-days[Days the history of changes (GET /administration/history, the console'\''s detail views) is kept; pruned by the sweep.]:history-days:'
        '--history-rows[History entries kept at most; the oldest beyond are pruned by the sweep.]:history-rows:'
        '--max-body[Largest accepted request body in bytes; larger ones get 413 (a 1M-entry push is about 23 MB).]:max-body:'
        '--idle-timeout[Seconds a client connection may send nothing while no answer is owed\: between requests, or in the middle of one'\''s body (0\: no limit).]:idle-timeout:'
        '--header-timeout[Seconds a request'\''s headers may take to arrive, from its first byte (0\: no limit).]:header-timeout:'
        '--max-connections[Client connections open at once, at most; beyond it the longest-idle one is closed (lowered to fit the open-file limit).]:max-connections:'
        '--attempt-timeout[Per-attempt timeout for order-event, in seconds.]:attempt-timeout:'
        '--breaker-threshold[Consecutive failures that open the circuit breaker.]:breaker-threshold:'
        '--breaker-open[Seconds the breaker stays open before one trial request.]:breaker-open:'
        '--max-attempts[Attempts answered with 500 before an event is parked.]:max-attempts:'
        '--resync-every[Also ask the Orchestrator for the queues at this interval, e.g. 30s, 5m, 1h (default\: off; it is asked at start, after outages and refused pushes).]:duration:'
        '--probe-every[Seconds of silence after which a light probe (GET /) checks that the Orchestrator answers.]:probe-every:'
        '--db-lock-timeout[Shared store\: seconds a write waits for the group'\''s lock before it answers 503.]:db-lock-timeout:'
        '--db-timeout[Shared store\: seconds a statement may run, and a transaction may idle, before the server ends it (a frozen instance'\''s locks are freed then).]:db-timeout:'
        '--sender-lease[Shared store\: seconds the sender role outlives its last heartbeat; a frozen sender loses it then.]:sender-lease:'
        '--log-file[Log file while the console runs (default\: beside the database).]:log-file:'
        '--log-format[Log lines as text, or json\: one object a line with time, level, message and fields such as booking, product, customer.]:log-format:{__booking-monitor_complete "${___log_format[@]}"}'
        '--token[Require Authorization\: Bearer TOKEN on state-changing requests (or set BOOKING_MONITOR_TOKEN).]:TOKEN:'
        '--token-reads[With a token, require it for reads too.]'
        '--full-sync[fsync every commit (survives power loss, not just a crash of the process).]'
        '--ascii[Draw borders and marks in ASCII (on by itself when the locale is not UTF-8).]'
        '--no-color[Monochrome\: no colours, states shown by letters, bold and reverse (also NO_COLOR).]'
        '--readonly[Console keys that change state (availability, pause, resend) are turned off.]'
        '--mouse[Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default\: --mouse)]'
        '--no-mouse[Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default\: --mouse)]'
        '--theme[Console colours\: dark, light (for a white background) or colourblind (blue and orange, never red against green). (default\: dark, or theme in config.toml)]:theme:'
        '--config[The config file\: key bindings, theme, defaults for flags. (default\: $XDG_CONFIG_HOME/booking-monitor/config.toml, else ~/.config/booking-monitor/config.toml, if it exists)]:path:'
        '--once[Print the dashboard once as plain text and exit (no terminal needed; the HTTP server is not started).]'
        '--size[Size of the --once dashboard, WIDTHxHEIGHT (default\: the terminal'\''s, else 120x40).]:WxH:'
        '--simulator-port[Port of the in-process Orchestrator simulator (0 picks a free one). (default\: 5012)]:port:'
        '--order-every[Seconds between two customer orders.]:order-every:'
        '--stock-every[Seconds between two stock arrivals (an unavailable product made available).]:stock-every:'
        '--customers[Customers ordering (ids 1…N).]:customers:'
        '--duration[Stop after this many seconds (generators stop, deliveries drain, summary printed).]:duration:'
        '--generators-off[Start with the generators off (the console'\''s d key turns them on).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_booking-monitor_orchestrator() {
    local -i ret=1
    local -ar arg_specs=(
        '--host[Address to listen on.]:host:'
        '--port[Port to listen on (0 picks a free one).]:port:'
        '*--monitor[A monitor'\''s base URL to push queues to; repeat for several instances (default\: http\://localhost\:5039).]:monitor:'
        '--push-timeout[Per-monitor timeout of one set-queue push, in seconds.]:push-timeout:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_booking-monitor_config() {
    local -i ret=1
    local -ar arg_specs=(
        '--print[Write the effective configuration (the file'\''s values over the defaults) as TOML.]'
        '--check[Check the file\: one line naming the first mistake and exit 2, or "ok".]'
        ':path:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_booking-monitor_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _booking-monitor ]]; then
    _booking-monitor "${@}"
else
    compdef _booking-monitor booking-monitor
fi
