/// Rendered output (scrape parts, JSON documents) kept with the inputs it was rendered from,
/// and rendered again only when they differ. The inputs are generations the fold and the
/// evaluation keep themselves, so nothing has to remember to invalidate anything.
struct RenderCache<Part: Hashable, Value> {
    private var entries: [Part: (inputs: RenderInputs, value: Value)] = [:]

    /// The value last rendered for `part` from `inputs`, or `render()`'s, then kept.
    mutating func value(_ part: Part, from inputs: RenderInputs, render: () -> Value) -> Value {
        if let entry = entries[part], entry.inputs == inputs { return entry.value }
        let value = render()
        entries[part] = (inputs, value)
        return value
    }
}

/// What a rendered part was made from.
struct RenderInputs: Hashable {
    /// The evaluation's generation: bumped when the host's or a component's verdict changes.
    var verdicts: UInt64 = 0
    /// The fold's generation of the domains the part shows.
    var data: UInt64 = 0
    /// The wall-clock offset the part's times were shown with; it moves when the system
    /// clock is stepped.
    var wallClockOffset: Double = 0
}
