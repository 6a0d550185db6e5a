internal import CSystemShims
internal import Glibc
internal import NIOCore
internal import HostSystem

/// Who is at the other end of a control-socket connection, as the kernel vouches for it: the
/// uid, gid and pid recorded at connect (SO_PEERCRED) and the supplementary groups of that
/// process. Nothing the client says about itself counts.
package struct PeerCredentials: Sendable, Equatable {
    package var pid: Int32
    package var uid: UInt32
    package var gid: UInt32
    /// The peer process's supplementary groups; empty when they could not be read.
    package var groups: [UInt32]

    package init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The credentials of a connected Unix socket's peer, or nil when the channel is not one
    /// (or the kernel would not tell).
    static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let credentials: hh_ucred
        do {
            credentials = try await provider.unsafeGetSocketOption(
                level: .socket, name: NIOBSDSocket.Option(rawValue: hh_so_peercred())
            ).get()
        } catch {
            return nil
        }
        var peer = PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
        // The process is still connected and waiting for the answer, so its pid is its own.
        if case .success(let status) = FileContents.read("/proc/\(credentials.pid)/status", limit: 64 * 1024) {
            peer.groups = Self.groups(inProcessStatus: String(decoding: status, as: UTF8.self))
        } else {
            // Another user's processes are hidden from the agent under the packaged unit's
            // ProtectProc=invisible: the group database says which groups the user is in.
            peer.groups = Self.groups(ofUser: credentials.uid, primary: credentials.gid)
        }
        return peer
    }

    /// The groups the group database gives the user `uid` (getgrouplist), for when the peer
    /// process itself cannot be looked at.
    static func groups(ofUser uid: UInt32, primary gid: UInt32) -> [UInt32] {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else {
            return []
        }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            // Too small: `count` now says how many there are.
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, gid, &groups, &count) >= 0 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
    }

    /// The `Groups:` line of `/proc/<pid>/status`: what the process really holds, after any
    /// `setgroups`, rather than what the group database says its user could have.
    static func groups(inProcessStatus text: String) -> [UInt32] {
        for line in text.split(separator: "\n") where line.hasPrefix("Groups:") {
            return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
        }
        return []
    }

    /// The user's name for the journal, or `uid N` when it has none.
    package var userName: String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let found = getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0 && result != nil
        guard found, let name = entry.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }
}

/// Who may change the agent's state through the control socket: root, the agent's own user,
/// and members of the `hosthealth` group (by primary or supplementary gid). Everyone else may
/// still read, as far as the socket's file mode lets them connect.
package struct ControlAccess: Sendable {
    package static let defaultGroupName = "hosthealth"

    package var groupName: String
    /// The agent's own uid: it could stop the agent anyway.
    package var agentUID: UInt32

    /// - Parameter agentUID: nil: this process's uid.
    package init(groupName: String = ControlAccess.defaultGroupName, agentUID: UInt32? = nil) {
        self.groupName = groupName
        self.agentUID = agentUID ?? getuid()
    }

    /// Why `peer` may not change state, or nil when it may. The group is looked up at each
    /// request, so a group created after the agent started counts.
    package func refusal(for peer: PeerCredentials?) -> String? {
        refusal(for: peer, groupID: Self.groupID(named: groupName))
    }

    func refusal(for peer: PeerCredentials?, groupID: UInt32?) -> String? {
        guard let peer else {
            return "the agent could not tell who is asking (no peer credentials); only the control socket accepts changes"
        }
        if peer.uid == 0 || peer.uid == agentUID { return nil }
        if let groupID, peer.gid == groupID || peer.groups.contains(groupID) { return nil }
        let group = groupID == nil ? "group \(groupName) (which does not exist on this host)" : "group \(groupName)"
        return "\(peer.userName) (uid \(peer.uid)) may not change the agent's state: run as root or as a member of \(group)"
    }

    static func groupID(named name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
