import CSensors
import CUdev
import Testing

/// The system-library modules for the readers still to come (disks and arrays over libudev,
/// sensors over libsensors) must import and link today, so a broken module map is caught now.
@Suite struct SystemLibraryTests {
    @Test func libudevOpensAContext() {
        let context = udev_new()
        #expect(context != nil)
        udev_unref(context)
    }

    @Test func libsensorsInitialisesFromTheSystemConfiguration() {
        #expect(sensors_init(nil) == 0)
        sensors_cleanup()
    }
}
