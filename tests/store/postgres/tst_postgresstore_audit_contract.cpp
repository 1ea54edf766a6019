#include "AuditStoreContract.h"
#include "PostgresContractStore.h"

int main(int argc, char* argv[])
{
    return PostgresContractStore::runSuite<AuditStoreContract>(argc, argv);
}
