#!/usr/bin/env python3
"""Writes src/ImageCmdlets/en-US/ImageCmdlets.dll-Help.xml (MAML, what Get-Help reads for a binary module)
from the help text below. Edit the text here and run: python3 tools/help/generate-help.py
(python3 tools/help/generate-help.py <path> writes elsewhere: the tests compare that with the file in the repo.)

Each cmdlet is described once: its parameters (type, text, aliases, pipeline input, wildcards, default),
its parameter sets (which parameters, which are mandatory, which are positional), inputs, outputs and
examples. The Pester test tests/Pester/Help.Tests.ps1 compares this with what PowerShell reads from the
compiled cmdlets (sets, positions, mandatory, pipeline input, wildcards), so the help cannot drift from
the code, and fails when a parameter has no text or a cmdlet has fewer than three examples.
The conceptual topic is en-US/about_ImageCmdlets.help.txt (plain text, edited by hand)."""
import os
import sys
from xml.sax.saxutils import escape as x

# name: (type, description, aliases, pipeline input, default value)
CONNECTION = {
    "Endpoint": ("String", "Overrides the API host, for private clouds, emulators or a fixed Glance URL (OpenStack). Must be https; plain http is accepted only for 127.0.0.1, ::1 and localhost. Checked before any call."),
    "Credential": ("PSCredential", "Credentials for this call: user name = access key id (OpenStack: user name; Huawei: AK, or account\\user for an IAM user), password = secret key (OpenStack and a Huawei IAM user: password). Without it, -ProfileName, then the provider's environment variables, then its CLI's default profile are used (see about_ImageCmdlets). Secrets are never written to any output stream."),
    "ProfileName": ("String", "A named profile of the provider's own CLI (tccli, aliyun, ve, zeno; Huawei: a section of ~/.huaweicloud/credentials). A profile that does not exist is an error, never a fallback. Tab completion lists the profiles in the chosen provider's CLI files."),
}
INPUT = {
    "InputObject": ("CloudImage[]", "Images from Get-CloudImage (or $CloudImageLastRun.Unfinished). Each acts through the session that listed it: same provider, account, region, endpoint and credentials; it is never re-targeted to defaults."),
    "ImageId": ("String[]", "Image ids: plain strings, or objects with an ImageId (or Id) property such as rows of Import-Csv. Empty or malformed ids are reported as errors before any call.", ["Id"]),
    "Provider": ("String", "The cloud of the ids: OpenStack, Tencent, Alibaba, Volcengine, Zenlayer or Huawei (tab completion lists them). With images from Get-CloudImage it is optional and must agree with each image's own (otherwise that image gets an ImageTargetConflict error)."),
    "Region": ("String", "The region of the ids. Defaults to the provider's region environment variable or profile (OpenStack: OS_REGION_NAME, or the catalog's first image endpoint). Zenlayer needs none: its images are deleted account-wide. Huawei: the region id (such as cn-north-4) names the IMS endpoint ims.<region>.myhuaweicloud.com. With images from Get-CloudImage it is optional and must agree with each image's own."),
}
SWITCH = "SwitchParameter"
BY_VALUE, BY_NAME, BY_BOTH = "True (ByValue)", "True (ByPropertyName)", "True (ByValue, ByPropertyName)"

# The parameter sets of Test-CloudImageDeletable and Remove-CloudImage: (set, [(parameter, mandatory, position)]).
INPUT_SETS = [
    ("ByInputObject", [("InputObject", True, None), ("Provider", False, None), ("Region", False, None)]),
    ("ById", [("ImageId", True, 0), ("Provider", True, None), ("Region", False, None)]),
]
INPUT_PIPELINE = {"InputObject": BY_VALUE, "ImageId": BY_BOTH, "Provider": BY_NAME, "Region": BY_NAME}
INPUT_TYPES = [
    ("ImageCmdlets.CloudImage", "Images from Get-CloudImage, bound to -InputObject. Each keeps the session that listed it."),
    ("System.String", "Image ids, bound to -ImageId. Give -Provider (and -Region, unless the provider's default applies)."),
    ("System.Management.Automation.PSObject", "Any object with an ImageId (or Id) property, and optionally Provider and Region properties, such as the rows of Import-Csv or the output of an earlier Remove-CloudImage: bound by property name."),
]

RUNBOOK_NOTE = ("-Force answers every prompt, including the separate ones for -DeleteSnapshot and -EvenIfInUse "
                "(-Confirm:$false alone does not: those still ask). With -ErrorAction Continue each refused image is "
                "an error record and the run goes on; a problem that stops everything (wrong credentials) is one "
                "terminating error that the catch block receives, and $CloudImageLastRun lists what was not processed.")

CMDLETS = [
    dict(verb="Get", noun="CloudImage", synopsis="Lists custom machine images, streaming each page as it arrives.",
         description=["Get-CloudImage lists the account's own custom images in one region of one cloud (add -AllVisible for public and shared images too). Each page is written to the pipeline as soon as it arrives, so piping into Remove-CloudImage starts deleting before the listing ends.",
                      "Filters are applied by the cloud where its API can, and always again locally, so the result is the same on every provider. With -ImageId, the named images are looked up and each missing one is reported as an ObjectNotFound error.",
                      "Each image remembers the session that listed it (provider, account, region, endpoint, credentials), so piping it to Test-CloudImageDeletable or Remove-CloudImage acts on the same account without giving the credentials again."],
         params={
             "Provider": ("String", "The cloud: OpenStack, Tencent, Alibaba, Volcengine, Zenlayer or Huawei (tab completion lists them)."),
             "Region": ("String[]", "The region (default: the provider's region environment variable or CLI profile; OpenStack: OS_REGION_NAME). Several regions (-Region a,b,c) are listed at once, one region after the other in the output, each image with its own Region; * or a wildcard means every region the module knows for the provider (the ones tab completion lists). A region that fails is one error naming it, and the others are still listed. Zenlayer: optional; without it the whole account is listed."),
             "ImageId": ("String[]", "Look up these ids instead of listing. Each id that does not exist (or is not visible to the account) is an ObjectNotFound error; the others are written as usual.", ["Id"]),
             "Name": ("String[]", "Image names to keep; wildcards (*, ?, [a-z]) allowed, case-insensitive. An image matching any of the names is kept."),
             "State": ("String[]", "Provider states to keep, e.g. NORMAL (Tencent), Available (Alibaba), available (Volcengine), active (OpenStack), AVAILABLE or DELETING (Zenlayer), active or deleted (Huawei). A state the provider does not document is refused before any call."),
             "CreatedBefore": ("DateTime", "Keep images created before this time (a time without a zone is local time). Zenlayer records no creation time, so no Zenlayer image matches."),
             "CreatedAfter": ("DateTime", "Keep images created after this time (a time without a zone is local time). Zenlayer records no creation time, so no Zenlayer image matches."),
             "Tag": ("String[]", "Tag filters, 'key' (the tag is present) or 'key=value'; all must match."),
             "AllVisible": (SWITCH, "Also list images that are not the account's own custom images (public, shared with it, marketplace). Without it only the account's own custom images are listed."),
             "PageSize": ("Int32", "Images per list call, 1 to 1000 (default: the provider's maximum).", None, None, "the provider's maximum"),
             **CONNECTION},
         wildcards=["Name", "Region"],
         sets=[("__AllParameterSets", [("Provider", True, 0), ("Region", False, 1)] + [(p, False, None) for p in
               ["ImageId", "Name", "State", "CreatedBefore", "CreatedAfter", "Tag", "AllVisible", "PageSize", "Endpoint", "Credential", "ProfileName"]])],
         pipeline={},
         inputs=[("None", "Get-CloudImage takes no pipeline input.")],
         outputs=[("ImageCmdlets.CloudImage", "One per image: ImageId, Name, State, CreatedAt, SizeBytes, InUse, IsShared, IsProtected, Tags, Provider, Region, RequestId and the provider's own fields in Properties.")],
         examples=[("Get-CloudImage -Provider OpenStack -Name 'ci-*' -CreatedBefore (Get-Date).AddDays(-30)", "Lists the project's images whose names start with ci- and that are older than 30 days (OpenStack reads its OS_* environment variables)."),
                   ("Get-CloudImage -Provider Tencent -Region ap-guangzhou -State NORMAL -Tag team=ci | Export-Csv images.csv", "Saves the account's usable custom images in ap-guangzhou tagged team=ci to a CSV file."),
                   ("Get-CloudImage -Provider Alibaba -Region cn-hangzhou -ImageId m-bp67acfmxazb4p0000, m-bp1g7004ksh0oeuc0000", "Looks up two images by id; an id that does not exist is reported as an ObjectNotFound error."),
                   ("$cred = Get-Credential   # user name = SecretId, password = SecretKey\nGet-CloudImage -Provider Tencent -Region ap-guangzhou -Credential $cred -AllVisible | Group-Object State", "Counts every image the account can see, its own and public or shared ones, by state, with credentials typed in.")]),
    dict(verb="Test", noun="CloudImageDeletable", synopsis="Tells whether each image could be deleted, and why not.",
         description=["Test-CloudImageDeletable returns one CloudImageDeletability verdict per image. Where the cloud has a DryRun for deletion (Tencent, Alibaba) the verdict comes from it; the reasons visible in the image's description (state, sharing, use by instances, protection, owner, image type) are added in every case, and are the whole verdict where there is no DryRun (OpenStack, Volcengine, Zenlayer, Huawei). Nothing is deleted.",
                      "Each reason has a Code (the error code a real deletion would give), a Message and its Source (DryRun or Describe). An image that does not exist is reported as an ObjectNotFound error, not as a verdict.",
                      "The record of the run is kept in $CloudImageLastRun (see about_ImageCmdlets)."],
         params={**INPUT,
                 "DeleteSnapshot": (SWITCH, "Judge as if Remove-CloudImage -DeleteSnapshot were used. Refused for providers without such an option."),
                 "EvenIfInUse": (SWITCH, "Judge as if Remove-CloudImage -EvenIfInUse were used (an image in use by instances is then deletable where the provider allows it). Refused for providers without such an option."),
                 **CONNECTION},
         sets=[(name, members + [(p, False, None) for p in ["DeleteSnapshot", "EvenIfInUse", "Endpoint", "Credential", "ProfileName"]]) for name, members in INPUT_SETS],
         pipeline=INPUT_PIPELINE,
         inputs=INPUT_TYPES,
         outputs=[("ImageCmdlets.CloudImageDeletability", "One verdict per image: IsDeletable, Reasons (Code, Message, Source), CheckedBy, ImageId, Name, Provider, Region, RequestId.")],
         examples=[("Get-CloudImage -Provider Alibaba -Region cn-hangzhou | Test-CloudImageDeletable | Where-Object { -not $_.IsDeletable } |\n    Select-Object ImageId, Name, @{ n = 'Why'; e = { $_.Reasons.Code -join ', ' } }", "Lists the images that cannot be deleted, with the codes a deletion would give."),
                   ("'0b6e5ac5-3b54-4b37-a1b1-0d2f5e8c4f4e' | Test-CloudImageDeletable -Provider OpenStack", "Checks one OpenStack image by id."),
                   ("Import-Csv candidates.csv | Test-CloudImageDeletable -EvenIfInUse", "Checks the rows of a CSV file (columns ImageId, Provider, Region) as if -EvenIfInUse were given to Remove-CloudImage."),
                   ("$verdicts = Get-CloudImage -Provider Volcengine -Region cn-beijing -Name 'tmp-*' | Test-CloudImageDeletable -ErrorAction Continue\n$verdicts | Where-Object IsDeletable | Remove-CloudImage -Force", "Unattended: checks first, then deletes only the images found deletable (a verdict carries ImageId, Provider and Region, so it binds by property name).")]),
    dict(verb="Remove", noun="CloudImage", synopsis="Deletes custom machine images, safely and in bulk.",
         description=["Remove-CloudImage deletes each image it receives and writes one CloudImageRemoval per image (Status Deleted, Deleting, SoftDeleted, WouldDelete, Declined or Duplicate), or a non-terminating error whose FullyQualifiedErrorId is the cloud's error code and whose ErrorDetails.RecommendedAction says what to do. Every input image gets exactly one outcome; an image given twice is deleted once.",
                      "Some clouds (Zenlayer) only start a deletion and finish it later: such an image is reported as Deleting (accepted, finishing asynchronously). With -Wait the command follows each such deletion until the image is gone (Deleted), the deletion fails (a DeletionFailed error) or -WaitTimeout passes (still Deleting, with the image's state). -Wait changes nothing where deletion is synchronous.",
                      "Its ConfirmImpact is High, so PowerShell asks before each deletion unless -Confirm:$false or -Force is given. -DeleteSnapshot and -EvenIfInUse do more damage and are confirmed separately; only -Force answers those questions, so an unattended runbook uses -Force. Under -WhatIf (or $WhatIfPreference) nothing is deleted: the cloud is asked to validate instead (its DryRun where the API has one, otherwise a check of the image's description) and the outcome is reported as WouldDelete or as the error a real deletion would give.",
                      "Images are deleted in batches where the API takes several ids, concurrently within the cloud's documented limits, paced to its documented rate, with retries on throttling and transient failures. Ctrl+C stops the run: calls already sent get up to 5 seconds to answer, nothing starts after the stop, and $CloudImageLastRun tells what became of every image (see about_ImageCmdlets)."],
         params={**INPUT,
                 "DeleteSnapshot": (SWITCH, "Also delete the snapshots the image was made from (Tencent's DeleteBindedSnap, Volcengine's DeleteBindedSnapshots). This is irreversible and is confirmed separately unless -Force (-Confirm:$false does not answer it). Refused for providers without such an option. Without it the provider's flag is always sent as false."),
                 "EvenIfInUse": (SWITCH, "Delete the image even when instances use it (Alibaba's Force flag). This is not PowerShell's -Force: it is confirmed separately unless -Force (-Confirm:$false does not answer it). Refused for providers without such an option."),
                 "DeleteBackup": (SWITCH, "Huawei: also delete the cloud backups (CSBS/CBR) a full-server image was made from (IMS's delete_backup; without it no body is sent and IMS keeps them). This is irreversible and is confirmed separately unless -Force (-Confirm:$false does not answer it). Refused for providers without such an option."),
                 "SoftDelete": (SWITCH, "Huawei only. DEPRECATED API: deletes with IMS's old DELETE /v1.1/images/{id} instead of the recommended DELETE /v2/images/{id}. It is a soft delete: the image can no longer be used, but its record stays, with status 'deleted' (it then shows only with Get-CloudImage -State deleted); the result's Status is SoftDeleted. Use it only where the v2 call is not available. Cannot be combined with -DeleteBackup, -DeleteSnapshot or -EvenIfInUse. Refused for other providers."),
                 "Force": (SWITCH, "Answers every confirmation: the per-image prompt and the separate questions of -DeleteSnapshot and -EvenIfInUse (unless -Confirm is given explicitly). It never overrides -WhatIf or $WhatIfPreference, and it changes nothing about what the cloud accepts."),
                 "Wait": (SWITCH, "Where the cloud finishes deletions asynchronously (Zenlayer), waits until each accepted image is gone, its deletion fails or -WaitTimeout passes, and reports how each ended (Deleted; a DeletionFailed error; or Deleting with the image's state). For runbooks that must know the images are gone. Ctrl+C stops the wait; $CloudImageLastRun then lists the accepted images as Deleting. Changes nothing for providers that delete synchronously."),
                 "WaitTimeout": ("Int32", "Seconds -Wait follows each deletion, counted from the moment the cloud accepted it (1 to 86400, default 600). Implies -Wait.", None, None, "600"),
                 "WhatIf": (SWITCH, "Deletes nothing: the cloud validates each deletion (its DryRun, or a description-based check where it has none) and the outcome is reported as WouldDelete or as the error a real deletion would give.", ["wi"]),
                 "Confirm": (SWITCH, "Asks before each deletion (the default, because deletion is irreversible). -Confirm:$false skips that prompt but not the separate questions of -DeleteSnapshot and -EvenIfInUse; -Force skips all of them.", ["cf"]),
                 **CONNECTION},
         sets=[(name, members + [(p, False, None) for p in ["DeleteSnapshot", "EvenIfInUse", "DeleteBackup", "SoftDelete", "Force", "Wait", "WaitTimeout", "Endpoint", "Credential", "ProfileName", "WhatIf", "Confirm"]]) for name, members in INPUT_SETS],
         pipeline=INPUT_PIPELINE,
         inputs=INPUT_TYPES,
         outputs=[("ImageCmdlets.CloudImageRemoval", "One per image: Status (Deleted, Deleting, SoftDeleted, WouldDelete, Declined or Duplicate), Message, Attempts, ImageId, Name, Provider, Region, RequestId. Failures are error records instead.")],
         examples=[("Get-CloudImage -Provider Tencent -Region ap-guangzhou -Name 'ci-*' | Remove-CloudImage -WhatIf", "Asks Tencent's DryRun whether each ci- image could be deleted; deletes nothing."),
                   ("'img-34vaef8f','img-mfih409y' | Remove-CloudImage -Provider Tencent -Region ap-guangzhou -Credential $cred", "Deletes two images by id with explicit credentials, asking before each one."),
                   ("try {\n    Get-CloudImage -Provider Tencent -Region ap-guangzhou -Name 'tmp-*' -CreatedBefore (Get-Date).AddDays(-7) |\n        Remove-CloudImage -DeleteSnapshot -Force -ErrorAction Continue |\n        Export-Csv removed.csv\n} catch {\n    Write-Error \"Cleanup stopped: $_\"\n    $CloudImageLastRun.Unfinished | Export-Csv not-processed.csv\n}",
                    "An unattended runbook: deletes week-old tmp- images and their snapshots without any prompt and records each outcome. " + RUNBOOK_NOTE),
                   ("Import-Csv to-delete.csv | Remove-CloudImage -Force", "Deletes the images listed in a CSV file with columns ImageId, Provider and Region (each row binds by property name)."),
                   ("Get-CloudImage -Provider Zenlayer -Name 'tmp-*' | Remove-CloudImage -Force -Wait -WaitTimeout 900", "Deletes Zenlayer's tmp- images and waits (up to 15 minutes per image) until each is really gone; each result then says Deleted, or how its deletion ended."),
                   ("Get-CloudImage -Provider Huawei -Region cn-north-4 -Name 'tmp-*' | Remove-CloudImage -WhatIf", "Judges each of Huawei's tmp- images from its record (owner and image type, protected, status); no delete call is made."),
                   ("$CloudImageLastRun.Unfinished | Remove-CloudImage -Force", "After Ctrl+C or a halted run: finishes the job for the images the run did not process, through the same sessions.")]),
]


def para(text):
    return "".join(f"<maml:para>{x(line)}</maml:para>" for line in text.split("\n"))


def param_info(c, name):
    info = c["params"][name]
    typ, desc = info[0], info[1]
    aliases = info[2] if len(info) > 2 and info[2] else []
    default = info[4] if len(info) > 4 else None
    return typ, desc, aliases, default


def parameter(c, name, required, position, in_syntax):
    typ, desc, aliases, default = param_info(c, name)
    pipe = c["pipeline"].get(name, "False")
    glob = "true" if name in c.get("wildcards", ["Name"]) else "false"
    pos = "named" if position is None else str(position)
    xml = (f'<command:parameter required="{str(required).lower()}" variableLength="true" globbing="{glob}" '
           f'pipelineInput="{pipe}" position="{pos}" aliases="{", ".join(aliases) if aliases else "none"}">'
           f"<maml:name>{name}</maml:name><maml:description>{para(desc)}</maml:description>")
    # A switch has no value: SYNTAX shows it as [-AllVisible], not [-AllVisible <SwitchParameter>].
    if typ != SWITCH or not in_syntax:
        xml += f'<command:parameterValue required="{"false" if typ == SWITCH else "true"}" variableLength="false">{typ}</command:parameterValue>'
    xml += f"<dev:type><maml:name>{typ}</maml:name></dev:type>"
    xml += f"<dev:defaultValue>{x(default if default is not None else ('False' if typ == SWITCH else 'None'))}</dev:defaultValue>"
    return xml + "</command:parameter>"


def type_entries(tag, entries):
    return "".join(f"<command:{tag}><dev:type><maml:name>{x(t)}</maml:name></dev:type><maml:description>{para(d)}</maml:description></command:{tag}>" for t, d in entries)


def command(c):
    name = f"{c['verb']}-{c['noun']}"
    out = ['<command:command>',
           f"<command:details><command:name>{name}</command:name><maml:description>{para(c['synopsis'])}</maml:description>"
           f"<command:verb>{c['verb']}</command:verb><command:noun>{c['noun']}</command:noun></command:details>",
           "<maml:description>" + "".join(para(t) for t in c["description"]) + "</maml:description>",
           "<command:syntax>"]
    for _, members in c["sets"]:
        # Positional parameters first, in position order, as PowerShell's own syntax lines show them.
        ordered = sorted(members, key=lambda m: (m[2] is None, m[2] if m[2] is not None else 0))
        out.append(f"<command:syntaxItem><maml:name>{name}</maml:name>" + "".join(parameter(c, p, req, pos, True) for p, req, pos in ordered) + "</command:syntaxItem>")
    out.append("</command:syntax><command:parameters>")
    for p in c["params"]:
        uses = [(req, pos) for _, members in c["sets"] for q, req, pos in members if q == p]
        if not uses: raise SystemExit(f"{name}: -{p} is documented but in no parameter set")
        required = all(req for req, _ in uses)
        positions = {pos for _, pos in uses if pos is not None}
        out.append(parameter(c, p, required, min(positions) if positions else None, False))
    out.append("</command:parameters>")
    out.append("<command:inputTypes>" + type_entries("inputType", c["inputs"]) + "</command:inputTypes>")
    out.append("<command:returnValues>" + type_entries("returnValue", c["outputs"]) + "</command:returnValues>")
    out.append("<maml:alertSet><maml:alert>" + para("Run Get-Help about_ImageCmdlets for providers, credentials, -WhatIf and DryRun, outcome statuses, Ctrl+C and a retention recipe. There is no online version of this help: Get-Help -Online has no address to open.") + "</maml:alert></maml:alertSet>")
    out.append("<command:examples>")
    for i, (code, remark) in enumerate(c["examples"], 1):
        out.append(f"<command:example><maml:title>-------------------------- Example {i} --------------------------</maml:title>"
                   f"<dev:code>{x(code)}</dev:code><dev:remarks>{para(remark)}</dev:remarks></command:example>")
    out.append("</command:examples>")
    links = ["about_ImageCmdlets"] + [f"{o['verb']}-{o['noun']}" for o in CMDLETS if o is not c] + ["about_CommonParameters"]
    out.append("<command:relatedLinks>" + "".join(f"<maml:navigationLink><maml:linkText>{l}</maml:linkText></maml:navigationLink>" for l in links) + "</command:relatedLinks>")
    out.append("</command:command>")
    return out


out = ['<?xml version="1.0" encoding="utf-8"?>',
       '<helpItems schema="maml" xmlns="http://msh" xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">']
for c in CMDLETS:
    out.extend(command(c))
out.append("</helpItems>")
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "src", "ImageCmdlets", "en-US", "ImageCmdlets.dll-Help.xml")
with open(path, "w", encoding="utf-8", newline="\n") as f:
    f.write("\n".join(out) + "\n")
print("wrote", os.path.normpath(path))
