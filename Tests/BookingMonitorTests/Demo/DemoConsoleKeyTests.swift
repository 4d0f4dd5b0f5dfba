import BookingConsole
import BookingCore
import Foundation
import Synchronization
import Testing

/// The demo's `d` key: in `Keymap.demo` only, listed in the footer and help, flips the
/// generators through the switch it is given, refused with --readonly.
@Suite("Demo console key")
struct DemoConsoleKeyTests {
    static func controller(keymap: Keymap, readonly: Bool = false,
                           toggle: (@Sendable () -> Bool)?) async throws -> ConsoleController {
        await ConsoleController(monitor: try await makeMonitor(.inMemory), settings: RenderSettings(readonly: readonly),
                                size: Size(width: 120, height: 40), keymap: keymap, toggleGenerators: toggle)
    }

    @Test("d flips the generators and says so; the footer and help list it")
    func toggles() async throws {
        let on = Mutex(true)
        let controller = try await Self.controller(keymap: .demo) { on.withLock { $0.toggle(); return $0 } }
        await controller.press(.character("d"))
        #expect(on.withLock { $0 } == false)
        #expect(controller.state.message?.text.contains("generators off") == true)
        await controller.press(.character("d"))
        #expect(on.withLock { $0 } == true)
        #expect(controller.state.message?.text.contains("generators on") == true)
        #expect(Keymap.demo.hints(readonly: false, ascii: true).contains { $0.key == "d" && $0.text == "demo" })
        #expect(controller.frame().text.contains("  d  demo  "), "footer hint")
        await controller.press(.character("?"))
        #expect(controller.frame().text.contains("start or stop the customers"))
    }

    @Test("the standard keymap has no d; --readonly refuses it")
    func onlyInTheDemo() async throws {
        #expect(Keymap.standard.command(for: .character("d")) == nil)
        #expect(Keymap.demo.command(for: .character("g")) == .top, "g keeps its meaning")
        let calls = Mutex(0)
        let readonly = try await Self.controller(keymap: .demo, readonly: true) { calls.withLock { $0 += 1 }; return true }
        await readonly.press(.character("d"))
        #expect(calls.withLock { $0 } == 0)
        #expect(readonly.state.message?.kind == .error)
    }
}
