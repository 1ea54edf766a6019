#include "PostgresContractStore.h"
#include "SpendStoreContract.h"

int main(int argc, char* argv[])
{
    return PostgresContractStore::runSuite<SpendStoreContract>(argc, argv);
}
