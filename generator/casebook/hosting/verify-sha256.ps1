# SHA256SUMS に書かれた全ファイルのハッシュ値を確かめます（Windows PowerShell 5.1 / PowerShell 7）。
# 使い方: 展開したフォルダで、次の 1 行を実行します。
#   powershell -NoProfile -ExecutionPolicy Bypass -File .\verify-sha256.ps1
# すべて一致すれば「OK」と表示して終了コード 0、ないファイルや違うファイルがあれば一覧を表示して終了コード 1。
# （このファイルは UTF-8 の BOM 付きです。BOM がないと Windows PowerShell 5.1 は日本語を読み違えます。）
param([string]$Folder = $PSScriptRoot)

$ErrorActionPreference = 'Stop'
$sums = Join-Path $Folder 'SHA256SUMS'
if (-not (Test-Path -LiteralPath $sums -PathType Leaf)) {
    Write-Host "SHA256SUMS がありません: $sums"
    exit 2
}
# sha256sum の形式: 64 桁の 16 進数、空白、（バイナリなら *）、フォルダからの相対パス（区切りは /）
$format = '^(?<hash>[0-9a-f]{64}) [ *](?<name>.+)$'
$checked = 0
$problems = @()
foreach ($line in Get-Content -LiteralPath $sums -Encoding UTF8) {
    if ($line -eq '') { continue }
    if ($line -cnotmatch $format) {
        $problems += "形式が正しくない行: $line"
        continue
    }
    $expected = $Matches['hash']
    $name = $Matches['name']
    $path = Join-Path $Folder ($name -replace '/', [IO.Path]::DirectorySeparatorChar)
    $checked++
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        $problems += "ありません: $name"
        continue
    }
    $actual = (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash.ToLowerInvariant()
    if ($actual -ne $expected) {
        $problems += "一致しません: $name"
    }
}
if ($problems.Count -gt 0) {
    $problems | ForEach-Object { Write-Host $_ }
    Write-Host "NG: 問題が $($problems.Count) 件あります（$checked ファイルを確認）。ファイルを取り直してください。"
    exit 1
}
Write-Host "OK: $checked ファイルすべてが SHA256SUMS と一致しました。"
exit 0
