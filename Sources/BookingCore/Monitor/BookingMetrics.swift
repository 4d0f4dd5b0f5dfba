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

    /// Failed delivery attempts by kind: `timeout`, `connection`, `http_500`, …
    public static func failures(kind: String) -> Counter {
        Counter(label: "booking_monitor_delivery_failures_total", dimensions: [("kind", kind)])
    }
}
