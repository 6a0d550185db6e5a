/// One network link as rtnetlink reports it: identity, state and 64-bit counters.
package struct Link: Sendable, Equatable {
    package var index: Int32
    package var name: String
    /// `veth`, `bridge`, `bond`, `vlan`, … from IFLA_INFO_KIND; `physical` for a device with no
    /// kind (a NIC driver), `loopback` for lo.
    package var kind: String
    package var operState: OperState
    /// IFF_UP: what the administrator asked for, independent of carrier.
    package var adminUp: Bool
    package var carrier: Bool?
    package var carrierChanges: UInt32?
    package var carrierUpCount: UInt32?
    package var carrierDownCount: UInt32?
    package var mtu: UInt32?
    package var address: String?
    package var permanentAddress: String?
    package var statistics: LinkStatistics?
    /// Mb/s, where the driver knows it (absent for virtual links without a speed and for links
    /// without carrier).
    package var speedMbps: UInt32?
    package var duplex: Duplex?
    /// The device under the link (IFLA_PARENT_DEV_NAME): a PCI address such as `0000:3b:00.0`,
    /// or `bus:device` for another bus; nil for virtual links and kernels before 5.14.
    package var parentDevice: String?

    package init(
        index: Int32, name: String, kind: String, operState: OperState, adminUp: Bool,
        carrier: Bool? = nil, carrierChanges: UInt32? = nil, carrierUpCount: UInt32? = nil,
        carrierDownCount: UInt32? = nil, mtu: UInt32? = nil, address: String? = nil,
        permanentAddress: String? = nil, statistics: LinkStatistics? = nil,
        speedMbps: UInt32? = nil, duplex: Duplex? = nil
    ) {
        self.index = index
        self.name = name
        self.kind = kind
        self.operState = operState
        self.adminUp = adminUp
        self.carrier = carrier
        self.carrierChanges = carrierChanges
        self.carrierUpCount = carrierUpCount
        self.carrierDownCount = carrierDownCount
        self.mtu = mtu
        self.address = address
        self.permanentAddress = permanentAddress
        self.statistics = statistics
        self.speedMbps = speedMbps
        self.duplex = duplex
    }
}

/// RFC 2863 operational state (IF_OPER_*). `unknown` is what many virtual drivers report for a
/// working link (lo, tun): it is not `down`.
package enum OperState: String, Sendable, Codable, CaseIterable {
    case unknown
    case notPresent = "notpresent"
    case down
    case lowerLayerDown = "lowerlayerdown"
    case testing
    case dormant
    case up

    /// Maps IF_OPER_* values; anything the kernel adds later reads as `unknown`.
    package init(kernelValue: UInt8) {
        switch kernelValue {
        case 1: self = .notPresent
        case 2: self = .down
        case 3: self = .lowerLayerDown
        case 4: self = .testing
        case 5: self = .dormant
        case 6: self = .up
        default: self = .unknown
        }
    }
}

package enum Duplex: String, Sendable, Codable {
    case half
    case full
}

/// `struct rtnl_link_stats64`'s counters the agent exports.
package struct LinkStatistics: Sendable, Equatable {
    package var receiveBytes: UInt64
    package var transmitBytes: UInt64
    package var receivePackets: UInt64
    package var transmitPackets: UInt64
    package var receiveErrors: UInt64
    package var transmitErrors: UInt64
    package var receiveDrops: UInt64
    package var transmitDrops: UInt64

    package init(
        receiveBytes: UInt64 = 0, transmitBytes: UInt64 = 0, receivePackets: UInt64 = 0,
        transmitPackets: UInt64 = 0, receiveErrors: UInt64 = 0, transmitErrors: UInt64 = 0,
        receiveDrops: UInt64 = 0, transmitDrops: UInt64 = 0
    ) {
        self.receiveBytes = receiveBytes
        self.transmitBytes = transmitBytes
        self.receivePackets = receivePackets
        self.transmitPackets = transmitPackets
        self.receiveErrors = receiveErrors
        self.transmitErrors = transmitErrors
        self.receiveDrops = receiveDrops
        self.transmitDrops = transmitDrops
    }
}
