import SyncClient

/// The batch and page sizes the product uses by default (those of a fresh SyncEngine, as `pledge sync` uses).
enum SyncClientDefaults {
    /// Changes per push request.
    static let pushBatchSize = SyncEngine().pushBatchSize
    /// Pledges per pull page.
    static let pullPageSize = SyncEngine().pullPageSize
}
