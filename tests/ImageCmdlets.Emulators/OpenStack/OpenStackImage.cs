using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.OpenStack;

/// <summary>One image in the emulated Glance. Tests build these to seed the emulator.</summary>
public sealed record OpenStackImage
{
    /// <summary>A UUID; one is made up when empty.</summary>
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>queued, saving, uploading, importing, active, deactivated, killed or pending_delete.</summary>
    public string Status { get; init; } = "active";
    /// <summary>public, community, shared or private.</summary>
    public string Visibility { get; init; } = "private";
    public bool Protected { get; init; }
    /// <summary>The owning project's id (<see cref="OpenStackEmulator.ProjectId"/>); null: nobody's (visible to all, deletable by admins only).</summary>
    public string? Owner { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Null: the creation time.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Bytes of image data; null while there is none (queued).</summary>
    public long? Size { get; init; }
    public long? VirtualSize { get; init; }
    public string? DiskFormat { get; init; } = "qcow2";
    public string? ContainerFormat { get; init; } = "bare";
    public int MinDisk { get; init; }
    public int MinRam { get; init; }
    /// <summary>os_hidden: left out of listings unless asked for with os_hidden=true.</summary>
    public bool Hidden { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Extra properties (os_distro, os_version, …), which Glance lists before the base fields.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    /// <summary>For a shared image: the member projects' ids and each one's status (accepted, pending or rejected).</summary>
    public IReadOnlyDictionary<string, string> Members { get; init; } = new Dictionary<string, string>();
}
