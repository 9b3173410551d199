# host-info: facts about the Hyper-V host itself, as explicit string projections (identical JSON from
# Windows PowerShell 5.1 and PowerShell 7).
# - version and build: Win32_OperatingSystem.Version / BuildNumber; edition: OperatingSystemSKU
# - activation: SoftwareLicensingProduct rows of Windows (ApplicationID 55c92734-...) that hold a key
# - sockets and physical cores: one Win32_Processor instance per socket, NumberOfCores per socket
# - cluster membership and nodes: Get-Cluster / Get-ClusterNode, only when FailoverClusters exists
$ErrorActionPreference = 'Stop';
$windowsApplicationId = '55c92734-d682-4d71-983e-d6ec3f16059f';
$os = Get-CimInstance -ClassName Win32_OperatingSystem;
$computer = Get-CimInstance -ClassName Win32_ComputerSystem;
$processors = @(Get-CimInstance -ClassName Win32_Processor);
$licensing = @(Get-CimInstance -ClassName SoftwareLicensingProduct -Filter ("ApplicationID='" + $windowsApplicationId + "' AND PartialProductKey IS NOT NULL"));
$clusterState = 'not-installed';
$clusterName = '';
$clusterNodes = @();
$clusterError = '';
if (Get-Module -ListAvailable -Name FailoverClusters) {
    try {
        $cluster = Get-Cluster;
        $clusterName = [string]$cluster.Name;
        $clusterNodes = @(Get-ClusterNode -Cluster $clusterName | ForEach-Object { [string]$_.Name });
        $clusterState = 'member';
    }
    catch {
        # Get-Cluster fails on a host that is not a cluster node; the reason is kept for the operator.
        $clusterState = 'not-member';
        $clusterError = [string]$_.Exception.Message;
    }
}
$sockets = @(foreach ($processor in $processors) {
    New-Object -TypeName PSObject -Property @{
        SocketDesignation = [string]$processor.SocketDesignation;
        NumberOfCores = [string]$processor.NumberOfCores;
        NumberOfLogicalProcessors = [string]$processor.NumberOfLogicalProcessors;
    }
});
$products = @(foreach ($product in $licensing) {
    New-Object -TypeName PSObject -Property @{
        Name = [string]$product.Name;
        Description = [string]$product.Description;
        LicenseStatus = [string]$product.LicenseStatus;
    }
});
$facts = New-Object -TypeName PSObject -Property @{
    ComputerName = [string]$computer.Name;
    DnsHostName = [string]$computer.DNSHostName;
    Domain = [string]$computer.Domain;
    PartOfDomain = [string]$computer.PartOfDomain;
    Caption = [string]$os.Caption;
    Version = [string]$os.Version;
    BuildNumber = [string]$os.BuildNumber;
    OperatingSystemSku = [string]$os.OperatingSystemSKU;
    Processors = $sockets;
    Licensing = $products;
    ClusterState = $clusterState;
    ClusterName = $clusterName;
    ClusterNodes = [string[]]$clusterNodes;
    ClusterError = $clusterError;
};
return (ConvertTo-Json -InputObject $facts -Depth 4 -Compress);
