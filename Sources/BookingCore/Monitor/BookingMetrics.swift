import Metrics

/// The figures `/metrics` exposes (swift-metrics; the Prometheus backend is bootstrapped by
/// the executable). Names follow Prometheus conventions.
public enum BookingMetrics {
    public static let bookings = Counter(label: "booking_monitor_bookings_total")
    public static let deliveries = Counter(label: "booking_monitor_deliveries_total")
    public static let queuePushes = Counter(label: "booking_monitor_queue_pushes_total")
    public static let outboxPending = Gauge(label: "booking_monitor_outbox_pending")
    public static let outboxParked = Gauge(label: "booking_monitor_outbox_parked")
    /// 0 closed, 1 open, 2 half-open.
    public static let breakerState = Gauge(label: "booking_monitor_breaker_state")
    /// From the booking's commit to the Orchestrator's 2xx.
    public static let deliveryLatency = Timer(label: "booking_monitor_delivery_latency_seconds",
                                              preferredDisplayUnit: .seconds)

    /// 1 while the Orchestrator answers, 0 while it does not (nothing before the first call).
    public static let orchestratorReachable = Gauge(label: "booking_monitor_orchestrator_reachable")
    /// Unix time the current outage began (0 while reachable).
    public static let orchestratorUnreachableSince = Gauge(label: "booking_monitor_orchestrator_unreachable_since_seconds")
    public static let lastResync = Gauge(label: "booking_monitor_last_resync_timestamp_seconds")
    public static let lastDelivery = Gauge(label: "booking_monitor_last_delivery_timestamp_seconds")

    /// 1 while the store takes commits, 0 from a failed commit until one works again.
    public static let storeUp = Gauge(label: "booking_monitor_store_up")
    /// Unix time of the last accepted queue push (set-queue); absent before the first.
    public static let lastQueuePush = Gauge(label: "booking_monitor_last_queue_push_timestamp_seconds")
    /// Unix time the oldest pending event was booked, 0 with none pending. A time, not an age:
    /// an age would go stale between changes; alerts take `time() - …`.
    public static let oldestPending = Gauge(label: "booking_monitor_oldest_pending_timestamp_seconds")

    /// Called once the metrics backend is up: the counters and families the alerts and the
    /// dashboard read exist from the start at 0 (a rate over a series that appears at its first
    /// increment misses that increment), and `booking_monitor_build_info` says what runs.
    /// Gauges whose 0 would be a claim (reachable, the last push) appear only when set.
    public static func registerAtStart(version: String, commit: String?, group: String) {
        _ = (bookings, deliveries, queuePushes, breakerState, deliveryLatency)
        outboxPending.record(0)
        outboxParked.record(0)
        oldestPending.record(0)
        for reason in PushRefusal.Reason.allCases { _ = refusedPushes(reason: reason) }
        for kind in ["timeout", "connection"] { _ = failures(kind: kind) }
        Gauge(label: "booking_monitor_build_info",
              dimensions: [("version", version), ("commit", commit ?? "unknown"), ("group", group)]).record(1)
    }

    /// Refused queue pushes by reason: `too_large`, `invalid`, `store`.
    public static func refusedPushes(reason: PushRefusal.Reason) -> Counter {
        Counter(label: "booking_monitor_queue_pushes_refused_total",
                dimensions: [("reason", reason.rawValue.replacingOccurrences(of: "-", with: "_"))])
    }

    /// Failed delivery attempts by kind: `timeout`, `connection`, `http_500`, …
    public static func failures(kind: String) -> Counter {
        Counter(label: "booking_monitor_delivery_failures_total", dimensions: [("kind", kind)])
    }
}
