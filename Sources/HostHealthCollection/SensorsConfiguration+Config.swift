package import HostHealthConfig
package import SensorReader

extension SensorsConfiguration {
    /// The system's sensors.conf, with `sensors.apply_sets` from the agent's file: the same
    /// for the agent and for `hostctl --direct`.
    package static func system(_ config: SensorConfig) -> SensorsConfiguration {
        var configuration = SensorsConfiguration.system
        configuration.applySets = config.applySets
        return configuration
    }
}
