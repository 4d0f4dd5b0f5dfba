import Foundation

/// Catching up with the other instances of a shared store.
extension Monitor {
    /// One transaction of the store; a shared store first brings memory up to date (under its
    /// lock), so `body` plans on what every instance has committed.
    /// A failure of the store itself (not a refusal of the monitor's rules) marks it failing;
    /// the next commit that works publishes `.storeRecovered`, so the link asks the
    /// Orchestrator again for what was refused meanwhile.
    func transact<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            let result = try store.write(catchUp: { delta in catchUp(delta) }, body)
            BookingMetrics.storeUp.record(1)
            if let since = storeFailingSince {
                storeFailingSince = nil
                storeFailureRecorded = false
                let seconds = now().timeIntervalSince(since)
                lastStoreOutage = seconds
                logger.notice("store works again after \(Self.seconds(seconds))")
                record(.info, "store works again after \(Self.seconds(seconds))")
                publish(.storeRecovered(outage: seconds))
            }
            return result
        } catch {
            if Self.isStoreFault(error) { BookingMetrics.storeUp.record(0) }
            if Self.isStoreFault(error) { storeFailing("\(error)") }
            throw error
        }
    }

    /// Something other than a write found the store failing (a shared store's heartbeat):
    /// readiness says so at once, and the sweep's probe writes notice the recovery.
    public func storeFailing(_ cause: String) {
        // Marked already (`StoreHealth.markFailing`, which does not wait for the actor) or not:
        // said once per outage.
        guard !storeFailureRecorded else { return }
        storeFailureRecorded = true
        storeHealth.markFailing(at: now())
        record(.failure, "store failing: \(cause)")
    }

    /// The store could not do its job (disk, server, connection), as opposed to the monitor's
    /// own refusals, which are answers.
    public static func isStoreFault(_ error: any Error) -> Bool {
        switch error {
        case is MonitorError, is IdempotentReplay: return false
        case StoreError.notAvailable: return false
        default: return true
        }
    }

    /// A duration as Activity and the log say it: "8.1 s", "12 s".
    public static func seconds(_ value: TimeInterval) -> String {
        value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s"
    }

    /// Reads what other instances committed and applies it: a shared store notifies every
    /// instance after each commit (PostgreSQL NOTIFY), and the instance calls this.
    public func refresh() throws {
        if let delta = try store.changes() { catchUp(delta) }
    }

    /// Applies another instance's committed changes to memory and publishes them, as if they
    /// had happened here (`BookingState.apply(.peer)`: the same transition start-up uses).
    func catchUp(_ delta: StoreDelta) {
        catchUps += 1
        emit(state.apply(.peer(delta)))
        // Another instance's attempts change pending events without a change to publish.
        refreshOutboxView(newWork: false)
    }

    /// The group's live instances, from a shared store's presence check.
    /// This instance lost the sender role without a fresh list (the store cannot be reached).
    public func notSender() {
        guard peers.contains(where: { $0.isSelf && $0.isSender }) else { return }
        updatePeers(peers.map { peer in
            var peer = peer
            if peer.isSelf { peer.isSender = false }
            return peer
        })
    }

    public func updatePeers(_ peers: [PeerInstance]) {
        guard peers != self.peers else { return }
        if self.peers.isEmpty {
            record(.info, "instances of the group: " + peers.map { $0.name + ($0.isSelf ? " (this)" : "") }
                .joined(separator: ", "))
            self.peers = peers
            publish(.peersChanged(peers))
            return
        }
        let before = Set(self.peers.filter { !$0.isSelf }.map(\.name))
        let after = Set(peers.filter { !$0.isSelf }.map(\.name))
        for name in after.subtracting(before).sorted() { record(.info, "instance \(name) joined the group") }
        for name in before.subtracting(after).sorted() { record(.info, "instance \(name) left the group") }
        self.peers = peers
        publish(.peersChanged(peers))
    }
}
