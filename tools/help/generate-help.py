#!/usr/bin/env python3
"""Writes src/ImageCmdlets/en-US/ImageCmdlets.dll-Help.xml (MAML, what Get-Help reads for a binary module)
from the help text below. Edit the text here and run: python3 tools/help/generate-help.py
A test checks that every cmdlet and parameter is documented and that each cmdlet has examples."""
import os
from xml.sax.saxutils import escape as x

CONNECTION = [
    ("Endpoint", "String", False, "false", "Overrides the API host, for private clouds, emulators or a fixed Glance URL (OpenStack). Must be https; plain http is accepted only for 127.0.0.1, ::1 and localhost. Checked before any call."),
    ("Credential", "PSCredential", False, "false", "Credentials for this call: user name = access key id (OpenStack: user name), password = secret key (OpenStack: password). Without it, the provider's environment variables and then its CLI credential files are used. Secrets are never written to any output stream."),
    ("ProfileName", "String", False, "false", "A named profile of the provider's own CLI (tccli, aliyun, ve, zeno). A profile that does not exist is an error, never a fallback."),
]
INPUT = [
    ("InputObject", "CloudImage", True, "true (ByValue)", "Images from Get-CloudImage. Each keeps its own provider, region and connection; it is never re-targeted to defaults."),
    ("ImageId", "String[]", True, "true (ByValue, ByPropertyName)", "Image ids: plain strings, or objects with an ImageId (or Id) property such as rows of Import-Csv. Empty or malformed ids are reported as errors before any call."),
    ("Provider", "String", True, "true (ByPropertyName)", "The cloud: OpenStack, Tencent, Alibaba, Volcengine or Zenlayer. Tab completion lists them."),
    ("Region", "String", False, "true (ByPropertyName)", "The region. Defaults to the provider's region environment variable or profile (OpenStack: OS_REGION_NAME, or the catalog's first image endpoint). Zenlayer needs none: its images are deleted account-wide."),
]
CMDLETS = [
    dict(verb="Get", noun="CloudImage", synopsis="Lists custom machine images, streaming each page as it arrives.",
         description=["Get-CloudImage lists the account's own custom images in one region of one cloud (add -AllVisible for public and shared images too). Each page is written to the pipeline as soon as it arrives, so piping into Remove-CloudImage starts deleting before the listing ends.",
                      "Filters are applied by the cloud where its API can, and always again locally, so the result is the same on every provider. With -ImageId, the named images are looked up and each missing one is reported as an ObjectNotFound error."],
         params=[("Provider", "String", True, "false", "The cloud: OpenStack, Tencent, Alibaba, Volcengine or Zenlayer."),
                 ("Region", "String[]", False, "false", "The region (default: the provider's environment variable or profile). Several regions (-Region a,b,c) are listed at once, one region after the other in the output; * or a wildcard means every region the module knows for the provider (the values -Region tab-completes). A region that fails is one error naming it; the others are still listed. Zenlayer: optional; without it the whole account is listed."),
                 ("ImageId", "String[]", False, "false", "Look up these ids instead of listing."),
                 ("Name", "String[]", False, "false", "Image names to keep; wildcards (*, ?, [a-z]) allowed, case-insensitive."),
                 ("State", "String[]", False, "false", "Provider states to keep, e.g. NORMAL (Tencent), Available (Alibaba), available (Volcengine), active (OpenStack), AVAILABLE or DELETING (Zenlayer)."),
                 ("CreatedBefore", "DateTime", False, "false", "Keep images created before this time. Zenlayer records no creation time, so no Zenlayer image matches."),
                 ("CreatedAfter", "DateTime", False, "false", "Keep images created after this time. Zenlayer records no creation time, so no Zenlayer image matches."),
                 ("Tag", "String[]", False, "false", "Tag filters, 'key' or 'key=value'; all must match."),
                 ("AllVisible", "SwitchParameter", False, "false", "Also list images that are not the account's own custom images (public, shared with it, marketplace)."),
                 ("PageSize", "Int32", False, "false", "Images per list call (default: the provider's maximum).")] + CONNECTION,
         output="ImageCmdlets.CloudImage",
         examples=[("Get-CloudImage -Provider OpenStack -Name 'ci-*' -CreatedBefore (Get-Date).AddDays(-30)", "Lists the project's images whose names start with ci- and that are older than 30 days."),
                   ("Get-CloudImage -Provider Tencent -Region ap-guangzhou -State NORMAL | Export-Csv images.csv", "Saves the account's usable custom images in ap-guangzhou to a CSV file.")]),
    dict(verb="Test", noun="CloudImageDeletable", synopsis="Tells whether each image could be deleted, and why not.",
         description=["Test-CloudImageDeletable returns one CloudImageDeletability verdict per image. Where the cloud has a DryRun for deletion (Tencent, Alibaba) the verdict comes from it; the reasons visible in the image's description (state, sharing, use by instances, protection, owner, image type) are added in every case, and are the whole verdict where there is no DryRun (OpenStack, Zenlayer). Nothing is deleted.",
                      "An image that does not exist is reported as an ObjectNotFound error, not as a verdict."],
         params=INPUT + [("DeleteSnapshot", "SwitchParameter", False, "false", "Judge as if Remove-CloudImage -DeleteSnapshot were used."),
                         ("EvenIfInUse", "SwitchParameter", False, "false", "Judge as if Remove-CloudImage -EvenIfInUse were used.")] + CONNECTION,
         output="ImageCmdlets.CloudImageDeletability",
         examples=[("Get-CloudImage -Provider Alibaba -Region cn-hangzhou | Test-CloudImageDeletable | Where-Object { -not $_.IsDeletable }", "Lists the images that cannot be deleted, with their reasons."),
                   ("'0b6e5ac5-3b54-4b37-a1b1-0d2f5e8c4f4e' | Test-CloudImageDeletable -Provider OpenStack", "Checks one OpenStack image by id.")]),
    dict(verb="Remove", noun="CloudImage", synopsis="Deletes custom machine images, safely and in bulk.",
         description=["Remove-CloudImage deletes each image it receives and writes one CloudImageRemoval per image (Deleted, Deleting, WouldDelete, Declined or Duplicate), or a non-terminating error whose FullyQualifiedErrorId is the cloud's error code. Every input image gets exactly one outcome; an image given twice is deleted once.",
                      "Some clouds (Zenlayer) only start a deletion and finish it later: such an image is reported as Deleting (accepted, finishing asynchronously). With -Wait the command follows each such deletion until the image is gone (Deleted), the deletion fails (a DeletionFailed error) or -WaitTimeout passes (still Deleting, with the image's state). -Wait changes nothing where deletion is synchronous.",
                      "Its ConfirmImpact is High, so PowerShell asks before each deletion unless -Confirm:$false or -Force is given. Under -WhatIf (or $WhatIfPreference) nothing is deleted: the cloud is asked to validate instead (its DryRun where the API has one, otherwise a check of the image's description) and the outcome is reported as WouldDelete or as the error a real deletion would give.",
                      "Images are deleted in batches where the API takes several ids, concurrently within the cloud's documented limits, paced to its documented rate, with retries on throttling and transient failures. Ctrl+C cancels the calls in flight."],
         params=INPUT + [("DeleteSnapshot", "SwitchParameter", False, "false", "Also delete the snapshots the image was made from (Tencent's DeleteBindedSnap, Volcengine's DeleteBindedSnapshots). This is irreversible and is confirmed separately unless -Force. Refused for providers without such an option."),
                         ("EvenIfInUse", "SwitchParameter", False, "false", "Delete the image even when instances use it (Alibaba's Force flag). This is not PowerShell's -Force: it is confirmed separately unless -Force. Refused for providers without such an option."),
                         ("Force", "SwitchParameter", False, "false", "Suppresses confirmation prompts (unless -Confirm is given explicitly). It never overrides -WhatIf or $WhatIfPreference."),
                         ("Wait", "SwitchParameter", False, "false", "Where the cloud finishes deletions asynchronously (Zenlayer), waits until each accepted image is gone, its deletion fails or -WaitTimeout passes, and reports how each ended (Deleted; a DeletionFailed error; or Deleting with the image's state). For runbooks that must know the images are gone. Ctrl+C stops the wait; $CloudImageLastRun then lists the accepted images as Deleting. Changes nothing for providers that delete synchronously."),
                         ("WaitTimeout", "Int32", False, "false", "Seconds -Wait follows each deletion, counted from the moment the cloud accepted it (1 to 86400, default 600). Implies -Wait."),
                         ("WhatIf", "SwitchParameter", False, "false", "Deletes nothing: the cloud validates each deletion (DryRun or description-based check) and the outcome is reported."),
                         ("Confirm", "SwitchParameter", False, "false", "Asks before each deletion (the default, because deletion is irreversible).")] + CONNECTION,
         output="ImageCmdlets.CloudImageRemoval",
         examples=[("Get-CloudImage -Provider Tencent -Region ap-guangzhou -Name 'ci-*' | Remove-CloudImage -WhatIf", "Asks Tencent's DryRun whether each ci- image could be deleted; deletes nothing."),
                   ("Get-CloudImage -Provider OpenStack -Name 'tmp-*' | Remove-CloudImage -Confirm:$false -ErrorAction Continue | Export-Csv removed.csv", "Deletes every tmp- image without prompting, unattended, and records each outcome."),
                   ("'img-34vaef8f','img-mfih409y' | Remove-CloudImage -Provider Tencent -Region ap-guangzhou -Credential $cred", "Deletes two images by id with explicit credentials."),
                   ("Get-CloudImage -Provider Zenlayer -Name 'tmp-*' | Remove-CloudImage -Force -Wait -WaitTimeout 900", "Deletes Zenlayer's tmp- images and waits (up to 15 minutes per image) until each is really gone; each result then says Deleted, or how its deletion ended.")]),
]

def para(text): return f"<maml:para>{x(text)}</maml:para>"

def parameter(p, position=None):
    name, typ, req, pipe, desc = p
    glob = "true" if name == "Name" else "false"
    return (f'<command:parameter required="{str(req).lower()}" variableLength="true" globbing="{glob}" pipelineInput="{pipe}" position="{position if position is not None else "named"}">'
            f"<maml:name>{name}</maml:name><maml:description>{para(desc)}</maml:description>"
            f'<command:parameterValue required="true" variableLength="false">{typ}</command:parameterValue>'
            f"<dev:type><maml:name>{typ}</maml:name></dev:type></command:parameter>")

out = ['<?xml version="1.0" encoding="utf-8"?>',
       '<helpItems schema="maml" xmlns="http://msh" xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">']
for c in CMDLETS:
    name = f"{c['verb']}-{c['noun']}"
    out.append('<command:command>')
    out.append(f"<command:details><command:name>{name}</command:name><maml:description>{para(c['synopsis'])}</maml:description>"
               f"<command:verb>{c['verb']}</command:verb><command:noun>{c['noun']}</command:noun></command:details>")
    out.append("<maml:description>" + "".join(para(t) for t in c["description"]) + "</maml:description>")
    out.append("<command:syntax>")
    sets = [c["params"]] if c["verb"] == "Get" else [[p for p in c["params"] if p[0] != "InputObject"], [p for p in c["params"] if p[0] not in ("ImageId", "Provider", "Region")]]
    for ps in sets:
        out.append(f"<command:syntaxItem><maml:name>{name}</maml:name>" + "".join(parameter(p) for p in ps) + "</command:syntaxItem>")
    out.append("</command:syntax><command:parameters>")
    out.extend(parameter(p, 0 if p[0] in ("ImageId",) and c["verb"] != "Get" or (p[0] == "Provider" and c["verb"] == "Get") else None) for p in c["params"])
    out.append("</command:parameters>")
    out.append(f"<command:returnValues><command:returnValue><dev:type><maml:name>{c['output']}</maml:name></dev:type></command:returnValue></command:returnValues>")
    out.append("<command:examples>")
    for i, (code, remark) in enumerate(c["examples"], 1):
        out.append(f"<command:example><maml:title>-------------------------- Example {i} --------------------------</maml:title>"
                   f"<dev:code>{x(code)}</dev:code><dev:remarks>{para(remark)}</dev:remarks></command:example>")
    out.append("</command:examples>")
    out.append('<command:relatedLinks><maml:navigationLink><maml:linkText>about_CommonParameters</maml:linkText></maml:navigationLink></command:relatedLinks>')
    out.append("</command:command>")
out.append("</helpItems>")
path = os.path.join(os.path.dirname(__file__), "..", "..", "src", "ImageCmdlets", "en-US", "ImageCmdlets.dll-Help.xml")
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
print("wrote", os.path.normpath(path))
