#include "AuditStoreContract.h"
#include "SqliteContractStore.h"

int main(int argc, char* argv[])
{
    return SqliteContractStore::runSuite<AuditStoreContract>(argc, argv);
}
