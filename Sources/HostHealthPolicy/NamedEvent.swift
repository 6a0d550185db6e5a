package import HostHealthModel
internal import HostHealthConfig

/// A domain's own name for something that happened to a component (`RebuildStarted`,
/// `FailSpare`), found while judging. It rides on the component's state transition of the same
/// evaluation when there is one, and is a transition of its own (`from == to`) otherwise.
package struct NamedEvent: Sendable, Equatable {
    package var component: ComponentID
    package var name: String
    package var event: String
    package var reason: String

    package init(component: ComponentID, name: String, event: String, reason: String) {
        self.component = component
        self.name = name
        self.event = event
        self.reason = reason
    }

    /// `transitions` with `events` attached. `components` is the memory after this evaluation,
    /// `previous` the one before (for components that just vanished).
    static func attach(
        _ events: [NamedEvent], to transitions: [Transition], components: [ComponentID: HysteresisMemory],
        previous: [ComponentID: HysteresisMemory], now: Timestamp
    ) -> [Transition] {
        var transitions = transitions
        for event in events {
            if let index = transitions.firstIndex(where: { $0.component == event.component && $0.event == nil }) {
                // What happened, then the state it left: `member sdc1 failed; 1 of 2 disks missing`.
                transitions[index].event = event.event
                let state = transitions[index].reason
                transitions[index].reason = state.isEmpty || event.reason.isEmpty ? event.reason + state : "\(event.reason); \(state)"
                continue
            }
            let state = (components[event.component] ?? previous[event.component])?.current.state ?? .ok
            transitions.append(Transition(
                component: event.component, name: event.name, from: state, to: state, reason: event.reason,
                at: now, event: event.event))
        }
        return transitions
    }
}
