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
